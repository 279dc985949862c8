"""The base of the bot's custom actions: they answer from the runtime the app holds.

rasa-sdk can register action instances, so the app builds each action with its
RuntimeHolder (bot.actions.build_actions) instead of the actions reaching for a module
global; `self.runtime` is read once per call, so an action never mixes an old municipality
with a new index during a knowledge reload.
"""

from __future__ import annotations

from rasa_sdk import Action

from core.runtime import Runtime, RuntimeHolder


class RuntimeAction(Action):
    def __init__(self, runtime: RuntimeHolder) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> Runtime:
        return self._runtime.current
