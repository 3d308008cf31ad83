"""Printed reports in Chinese (reportlab; no Qt): 走访报告, 一户一档, 工作队季度工作报告,
挂图作战 wall charts and 权益清单, each as a PDF and optionally an Excel workbook.

Use :func:`build_report` with a :class:`ReportRequest`; both the CLI (``workteam report``)
and the 报表 page call it.
"""

from .base import KINDS, Quarter, ReportError, ReportRequest, ReportResult, parse_quarter
from .build import build_report, reports_dir

__all__ = ["KINDS", "Quarter", "ReportError", "ReportRequest", "ReportResult", "build_report",
           "parse_quarter", "reports_dir"]
