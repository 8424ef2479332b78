from .accounts import Institution, User
from .contests import Category, Contest, ContestRole, Group, Stage, Subject
from .works import Attachment, CoAuthor, ProcessingState, VideoAsset, Work, WorkEvent

__all__ = [
    "Attachment",
    "Category",
    "CoAuthor",
    "Contest",
    "ContestRole",
    "Group",
    "Institution",
    "ProcessingState",
    "Stage",
    "Subject",
    "User",
    "VideoAsset",
    "Work",
    "WorkEvent",
]
