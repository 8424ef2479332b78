from .accounts import Institution, User
from .contests import Category, Contest, ContestRole, Group, Stage, Subject

__all__ = ["Category", "Contest", "ContestRole", "Group", "Institution", "Stage", "Subject", "User"]
