"""What controllers use to talk to the store: informers, a work queue, an event recorder."""
