"""The answer engine behind ``esi-helper ask`` and the chat: cited answers with calibrated confidence.

``Engine(kb)`` builds its indexes once; ``engine.ask(question, conversation)`` returns a ``Result``.
"""

from esi_helper.answer.context import Conversation
from esi_helper.answer.engine import Engine
from esi_helper.answer.result import Answer, Result

__all__ = ["Answer", "Conversation", "Engine", "Result"]
