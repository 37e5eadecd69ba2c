from surveys.models.screening import Instrument, OfficeTour, RiskLevel, Screening, Setting
from surveys.models.surveys import (Answer, Participation, Question, QuestionKind, Response, Suggestion, Survey,
                                    SurveyKind)

__all__ = ["Instrument", "OfficeTour", "RiskLevel", "Screening", "Setting", "Answer", "Participation", "Question",
           "QuestionKind", "Response", "Suggestion", "Survey", "SurveyKind"]
