"""iwlz: an open-source implementation of the Dutch iWlz information exchange."""

__version__ = "0.1.0"
