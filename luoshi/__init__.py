"""Luoshi (落实): put a year's targets into named tasks, watch them, push what lags."""
