"""`ctidesk --self-check`: is this installation complete enough to run? (`checks.installation`)"""

from __future__ import annotations

import os
import sys


def run_self_check() -> int:
    """Print the table; exit 1 when something is missing."""
    from ctidesk.checks import installation

    probe = os.environ.get(installation.PROBE_ENV)
    if probe:
        from ctidesk.gui.platform_probe import probe_platform

        return probe_platform(probe)
    from ctidesk import __version__
    from ctidesk.checks.runner import Verdict, self_check_table, verdict

    results = [check() for check in installation.installation_checks()]
    kind = "frozen" if getattr(sys, "frozen", False) else "source"
    print(f"ctidesk {__version__} self-check ({kind} install)")
    print(self_check_table(results))
    failed = [result for result in results if verdict(result) is Verdict.PROBLEM]
    if failed:
        print(f"self-check found {len(failed)} problem(s):", file=sys.stderr)
        for result in failed:
            print(f"  - {result.system}: {result.detail}", file=sys.stderr)
        return 1
    warnings = sum(verdict(result) is Verdict.WARNING for result in results)
    print("self-check passed" + (f" ({warnings} warning(s))" if warnings else ""))
    return 0
