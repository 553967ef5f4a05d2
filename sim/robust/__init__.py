"""Robust decision making: uncertainties vs levers, robustness across worlds, robust policy search."""
