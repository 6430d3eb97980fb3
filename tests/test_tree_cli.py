"""``esi-helper recommend``: text and JSON output, one-line errors, and the optional --dx / --setting extras."""

from __future__ import annotations

import json
import re
import sys
import types
from typing import Any

import pytest

from esi_helper.cli import main

TF_RIGHT_2 = [
    "recommend",
    "--region",
    "lumbar",
    "--approach",
    "transforaminal",
    "--imaging",
    "fluoroscopy",
    "--levels",
    "2",
    "--side",
    "right",
]


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_output_keys_lines_like_a_biller(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, TF_RIGHT_2)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Claim lines"
    assert lines[1].split()[0] == "64483-RT" and lines[1].split()[1] == "x1"
    assert lines[2].startswith("  64484-RT x1  transforaminal epidural injection")
    assert "Why" in lines and "Warnings" in lines and "Sources" in lines
    sources = lines[lines.index("Sources") + 1 :]
    numbered = {int(m.group(1)) for line in sources if (m := re.match(r"\s+\[(\d+)\] ", line))}
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", "\n".join(lines[: lines.index("Sources")]))}
    assert cited and cited == numbered == set(range(1, len(numbered) + 1))
    assert lines[-1].startswith("Knowledge base ")


def test_text_output_for_no_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, ["recommend", "--region", "lumbar", "--approach", "interlaminar", "--imaging", "ultrasound"]
    )
    assert code == 0
    assert out.splitlines()[0] == "No code applies"
    assert "fluoroscopy or CT only" in out


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, [*TF_RIGHT_2, "--json"])
    assert code == 0
    data = json.loads(out)
    assert {"codes", "rationale", "warnings", "path"} <= set(data)
    assert [(c["code"], c["modifiers"], c["units"]) for c in data["codes"]] == [
        ("64483", ["RT"], 1),
        ("64484", ["RT"], 1),
    ]
    assert all(set(c) == {"code", "modifiers", "units", "descriptor"} and c["descriptor"] for c in data["codes"])
    for note in data["rationale"] + data["warnings"]:
        assert note["text"] and note["citations"]
        assert all(set(c) == {"id", "title"} for c in note["citations"])
    assert {"question": "Which side was injected?", "answer": "Right"}.items() <= data["path"][4].items()


def test_a_same_day_repeat_is_two_claim_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        [
            "recommend",
            "--region",
            "cervical",
            "--approach",
            "interlaminar",
            "--imaging",
            "ct",
            "--repeat",
            "different",
            "--json",
        ],
    )
    assert code == 0
    codes = json.loads(out)["codes"]
    assert [(c["code"], c["modifiers"]) for c in codes] == [("62321", []), ("62321", ["77"])]


def test_switches_and_fact_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        [
            "recommend",
            "--region",
            "sacral",
            "--approach",
            "caudal",
            "--imaging",
            "none",
            "--catheter",
            "--same-day-procedure",
            "--json",
        ],
    )
    assert code == 0
    assert json.loads(out)["codes"][0]["code"] == "62326"
    code, out, _ = _run(capsys, [*TF_RIGHT_2, "--diagnostic-block", "--fact", "repeat=same", "--json"])
    assert [c["modifiers"] for c in json.loads(out)["codes"]] == [
        ["RT", "KX"],
        ["RT", "KX"],
        ["RT", "KX", "76"],
        ["RT", "KX", "76"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "cervical", "--approach", "caudal", "--imaging", "ct"], "caudal injection is lumbar or sacral"),
        (
            [
                "--region",
                "lumbar",
                "--approach",
                "transforaminal",
                "--imaging",
                "ct",
                "--side",
                "left",
                "--levels",
                "0",
            ],
            "levels must be a whole number from 1 to 5 (got 0)",
        ),
        (
            ["--region", "lumbar", "--approach", "interlaminar", "--imaging", "ct", "--side", "left"],
            "Side does not apply to an interlaminar or caudal injection",
        ),
        (
            ["--region", "lumbar", "--approach", "transforaminal", "--imaging", "ct", "--side", "left", "--catheter"],
            "no transforaminal catheter code",
        ),
        (
            ["--region", "lumbar", "--approach", "transforaminal", "--imaging", "ct"],
            "missing --side (left, right or bilateral)",
        ),
        (
            [],
            "missing --region (cervical, thoracic, lumbar or sacral), --approach (interlaminar, caudal or "
            "transforaminal), --imaging (fluoroscopy, ct, ultrasound or none)",
        ),
        (
            ["--region", "lumbar", "--approach", "epidural", "--imaging", "ct"],
            "approach 'epidural' is not valid: choose interlaminar, caudal or transforaminal",
        ),
        (["--region", "lumbar", "--fact", "colour"], "--fact 'colour' must be NAME=VALUE"),
    ],
)
def test_user_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = _run(capsys, ["recommend", *args])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_help_lists_the_allowed_values_from_the_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "(cervical, thoracic, lumbar or sacral)" in out
    assert "(fluoroscopy, ct, ultrasound or none)" in out


def test_dx_and_setting_say_when_their_features_are_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "esi_helper.icd", None)
    monkeypatch.setitem(sys.modules, "esi_helper.fee", None)
    code, out, _ = _run(capsys, [*TF_RIGHT_2, "--dx", "M54.16", "--setting", "office", "--json"])
    assert code == 0
    texts = [w["text"] for w in json.loads(out)["warnings"]]
    assert any(t.startswith("Diagnosis check unavailable") for t in texts)
    assert any(t.startswith("Fee estimate unavailable") for t in texts)


def test_dx_and_setting_use_the_icd_and_fee_features(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[Any] = []
    icd = types.ModuleType("esi_helper.icd")
    icd.get_codeset = lambda: "codeset"  # type: ignore[attr-defined]

    def pair(kb: Any, codeset: Any, code: str, cpt: str) -> Any:
        calls.append((codeset, code, cpt))
        return types.SimpleNamespace(
            verdict="supports", text="Lumbar radiculopathy supports it.", citations=("lcd-l33906",)
        )

    icd.pair = pair  # type: ignore[attr-defined]

    class FeeSchedule:
        @classmethod
        def load(cls, kb: Any) -> FeeSchedule:
            return cls()

        def quote(self, code: str, setting: str, modifier: str | None = None) -> Any:
            calls.append((code, setting, modifier))
            if modifier not in (None, "50"):
                raise ValueError(f"modifier {modifier} is not priced")
            return types.SimpleNamespace(amount=100.5, formula="RVU x CF", citations=("pfs-2025",))

    fee = types.ModuleType("esi_helper.fee")
    fee.FeeSchedule = FeeSchedule  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "esi_helper.icd", icd)
    monkeypatch.setitem(sys.modules, "esi_helper.fee", fee)
    code, out, _ = _run(capsys, [*TF_RIGHT_2, "--dx", "M54.16", "--setting", "facility", "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["diagnosis"]["verdict"] == "supports" and data["diagnosis"]["cpt"] == "64483"
    assert [f["code"] for f in data["fees"]] == ["64483", "64484"] and data["fees"][0]["amount"] == 100.5
    assert calls == [
        ("codeset", "M54.16", "64483"),
        ("64483", "facility", "RT"),
        ("64483", "facility", None),
        ("64484", "facility", "RT"),
        ("64484", "facility", None),
    ]
    code, out, _ = _run(capsys, [*TF_RIGHT_2, "--dx", "M54.16", "--setting", "facility"])
    assert "Diagnosis M54.16 with 64483: supports" in out and "64483: $100.50" in out
