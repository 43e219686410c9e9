"""Helpers the tests share: factories, small seeded registers, the scheduler helper process."""
