"""The API server's storage: create/get/list/update/delete with admission, indexes and watches."""

from kubenb.store.errors import StatusError
from kubenb.store.limits import SimulationLimits
from kubenb.store.store import ObjectKey, Store, WatchEvent

__all__ = ["ObjectKey", "SimulationLimits", "Store", "StatusError", "WatchEvent"]
