"""bitext's text side: segmentation, alignment, the project data model and TM formats."""

__version__ = "0.1.0"
