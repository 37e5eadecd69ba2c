from surveys.models.screening import Instrument, OfficeTour, RiskLevel, Screening, Setting
from surveys.models.surveys import (Answer, Participation, PendingResponse, Question, QuestionKind, Response,
                                    Suggestion, Survey, SurveyKind)

__all__ = ["Instrument", "OfficeTour", "RiskLevel", "Screening", "Setting", "Answer", "Participation",
           "PendingResponse", "Question", "QuestionKind", "Response", "Suggestion", "Survey", "SurveyKind"]
