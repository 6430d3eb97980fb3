"""The guided decision tree: procedure facts in, claim lines with cited rationale out.

The tree itself is data (``knowledge/tree.toml``); this package is a generic engine over it.
"""

from esi_helper.tree.engine import Citation, ClaimLine, Note, Step
from esi_helper.tree.load import load_tree
from esi_helper.tree.model import Option, Question, Tree, TreeDataError, TreeInputError
from esi_helper.tree.result import Recommendation, recommend
from esi_helper.tree.walker import Walker

__all__ = [
    "Citation",
    "ClaimLine",
    "Note",
    "Option",
    "Question",
    "Recommendation",
    "Step",
    "Tree",
    "TreeDataError",
    "TreeInputError",
    "Walker",
    "load_tree",
    "recommend",
]
