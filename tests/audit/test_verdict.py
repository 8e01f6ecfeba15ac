"""The readiness verdict: critical systems missing their RTO decide it on their own; otherwise
more than two "no" answers do."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.audit_plans import audit, base, svc


def test_critical_rto_misses_alone_mean_the_plan_needs_work(tmp_path: Path) -> None:
    data = base()
    svc(data, "db")["rto"] = "1m"  # db is critical and takes longer than that to restore
    report = audit(tmp_path, data)
    noes = [a for a in report.readiness if a.answer == "no"]
    assert [a.question for a in noes] == ["Can critical systems be restored within target RTOs?"]
    assert report.needs_work
    assert "critical systems miss their RTO: the plan needs work" in report.verdict()


def test_a_clean_plan_and_one_no_answer_do_not(tmp_path: Path) -> None:
    report = audit(tmp_path, base())
    assert not report.needs_work
    assert report.verdict() == "0 of 6 answers are 'no'."
    data = base()
    data["roles"] = {}
    one = audit(tmp_path, data)
    assert not one.needs_work
    assert one.verdict() == "1 of 6 answers is 'no'."
