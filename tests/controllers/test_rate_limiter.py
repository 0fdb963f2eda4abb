"""The per-key retry backoff of every controller (client-go's ItemExponentialFailureRateLimiter)."""

from kubenb.controllers.base import RateLimiter


def test_backoff_doubles_from_5ms_per_key():
    limiter = RateLimiter()
    assert [limiter.when("a") for _ in range(4)] == [0.005, 0.01, 0.02, 0.04]
    assert limiter.when("b") == 0.005
    assert limiter.num_requeues("a") == 4


def test_backoff_is_capped_at_1000s():
    limiter = RateLimiter()
    delays = [limiter.when("a") for _ in range(20)]
    assert delays[17] == 0.005 * 2**17 and delays[17] < 1000  # 655.36 s
    assert delays[18] == delays[19] == 1000.0


def test_endless_failures_never_overflow():
    """A key failing for good (thousands of retries) keeps getting the cap, not an OverflowError."""
    limiter = RateLimiter()
    delays = [limiter.when("a") for _ in range(1200)]
    assert delays[-1] == 1000.0 and limiter.num_requeues("a") == 1200


def test_forget_starts_over():
    limiter = RateLimiter()
    for _ in range(30):
        limiter.when("a")
    limiter.forget("a")
    assert limiter.num_requeues("a") == 0 and limiter.when("a") == 0.005
