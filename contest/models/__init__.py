from .accounts import Institution, User
from .contests import Category, Contest, ContestRole, Group, Stage, Subject
from .uploads import ResumableUpload
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
    "ResumableUpload",
    "Stage",
    "Subject",
    "User",
    "VideoAsset",
    "Work",
    "WorkEvent",
]
