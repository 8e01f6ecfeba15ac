"""Forecasts: the probability of meeting each RTO when restore times vary, learned from past
incidents and exercises (docs/design/forecast.md).

The package sits between the engine (whose schedule it samples) and the audit and tracking
(which ask it questions): it reads neither the plan file nor the incident store; callers pass
plain numbers down.
"""
