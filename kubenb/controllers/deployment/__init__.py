"""The Deployment controller (`pkg/controller/deployment`)."""

from kubenb.controllers.deployment.controller import DeploymentController

__all__ = ["DeploymentController"]
