"""Generated files and certificates arrive with the reports issue."""
