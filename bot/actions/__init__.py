"""Rasa custom actions, run by the app's action endpoint (app/action_endpoint.py)."""

from bot.actions.cannot_answer import ActionCannotAnswer

__all__ = ["ActionCannotAnswer"]
