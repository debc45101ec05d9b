"""Live updates: subscriptions to queries and panels, evaluated once per tick and fanned out.

The protocol is described in protocol.py; LiveHub (hub.py) is what the server runs.
"""
