"""Outreach: mobilising the enterprises a programme targets (target lists, campaigns and
their outcomes), events with registrations and B2B meetings, and each partner's dashboard
of trainings, events and campaigns with their inclusion breakdowns."""
