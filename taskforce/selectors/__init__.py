from .vocabulary import outcome_list

__all__ = ["outcome_list"]
