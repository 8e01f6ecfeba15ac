"""Stakeholder updates delivered to people: destinations per audience from a local config file
(:mod:`~planner.delivery.config`), the payload each kind of destination takes
(:mod:`~planner.delivery.payloads`), the network (:mod:`~planner.delivery.transport`), what the
journal says was delivered (:mod:`~planner.tracking.domain.deliveries`, a pure fold of the
journal the post-incident review reads too) and the sender that retries and
records every attempt (:mod:`~planner.delivery.sender`)."""
