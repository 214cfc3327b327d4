"""``junit``: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

``<testsuites>`` holds one ``<testsuite>`` per file and one ``<testcase name="CODE"
classname="path" line=…>`` per finding, failed with ``<failure message=… type=severity>``.
A clean run is one passing test case, since some CI systems treat a report without any
test case as a broken one. A file promptlint could not check (an internal error) is a test
case in error (``<error>``), not a failure: the file was not judged.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Sequence, TextIO

from ..diagnostic import Diagnostic
from .concise import line

if TYPE_CHECKING:
    from ..engine import FileFailure

# Characters XML 1.0 cannot carry at all, even escaped; ElementTree would write them raw.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def write(diagnostics: Sequence[Diagnostic], out: TextIO, failures: Sequence[FileFailure] = ()) -> None:
    tests = len(diagnostics) + len(failures)
    root = ET.Element("testsuites", name="promptlint", tests=str(max(tests, 1)), failures=str(len(diagnostics)), errors=str(len(failures)))
    if not tests:
        suite = ET.SubElement(root, "testsuite", name="promptlint", tests="1", failures="0", errors="0", skipped="0")
        ET.SubElement(suite, "testcase", name="no problems found", classname="promptlint")
    if failures:
        count = str(len(failures))
        suite = ET.SubElement(root, "testsuite", name="promptlint: files not checked", tests=count, failures="0", errors=count, skipped="0")
        for failure in failures:
            case = ET.SubElement(suite, "testcase", name=failure.kind, classname=_xml(failure.path), file=_xml(failure.path))
            message = failure.sentence
            ET.SubElement(case, "error", message=_xml(message), type=failure.kind).text = _xml(message)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.span.path, []).append(d)
    for path, found in by_file.items():
        count = str(len(found))
        suite = ET.SubElement(root, "testsuite", name=_xml(path), tests=count, failures=count, errors="0", skipped="0")
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                name=d.code,
                classname=_xml(path),
                file=_xml(path),
                line=str(d.span.line),
                column=str(d.span.column),
            )
            failure = ET.SubElement(case, "failure", message=_xml(d.message), type=d.severity.value)
            details = [line(d)]
            if d.note:
                details.append(f"note: {d.note}")
            if d.fix:
                details.append(f"help: {d.fix.message}")
            failure.text = _xml("\n".join(details))
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
