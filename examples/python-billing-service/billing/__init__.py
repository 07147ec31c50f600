"""Billing service: pulls Azure consumption data and turns it into customer invoices."""

__version__ = "2.3.1"
