"""The `assistant` command as a user meets it: --version, help on every option, --backend where
an answer is written, and --quiet that prints no progress bar."""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main, parser


def _commands(top: argparse.ArgumentParser, path=()):
    yield path, top
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("assistant ") and out.split()[1][0].isdigit()


def test_every_option_and_argument_has_help():
    missing = [
        f"{' '.join(path) or 'assistant'} {action.dest}"
        for path, command in _commands(parser())
        for action in command._actions
        if not isinstance(action, argparse._HelpAction) and not (action.help or "").strip()
    ]
    assert missing == []


@pytest.mark.parametrize("command", [["serve"], ["batch", "-"], ["ask", "a question"]])
def test_backend_is_offered_wherever_an_answer_is_written(command):
    args = parser().parse_args([*command, "--backend", "ollama:llama3.2"])
    assert args.backend == "ollama:llama3.2"


def _run(sources_dir, index_dir, *command: str) -> subprocess.CompletedProcess:
    """The command as a process, with the model libraries free to draw their progress bars."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
    folders = ["--sources-dir", str(sources_dir), "--index-dir", str(index_dir)]
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *folders, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_quiet_means_no_model_loading_bar(tiny_settings):
    run = _run(
        tiny_settings.sources_dir, tiny_settings.index_dir, "ask", "--quiet", "What did the MIST trial find?"
    )
    assert run.returncode == 0, run.stderr
    assert "MIST" in run.stdout
    assert "Loading" not in run.stderr and "it/s" not in run.stderr


def test_sources_check_prints_its_report_and_no_model_loading_bar(tmp_path):
    # the shipped library and an empty index folder: nothing cached, so the content checks open
    # the embedding model, as in a fresh clone
    run = _run(Path(__file__).resolve().parents[1] / "sources", tmp_path / "index", "sources", "check")
    assert run.returncode == 0, run.stderr
    assert "0 problems" in run.stdout
    assert "Loading" not in run.stderr and "it/s" not in run.stderr


def test_batch_answers_each_line_and_names_a_bad_one(tiny_settings, tmp_path, capsys):
    import json

    requests = tmp_path / "in.jsonl"
    requests.write_text(
        json.dumps({"id": "a", "question": "What did the MIST trial find?"})
        + "\n"
        + "not json\n"
        + json.dumps({"id": "c", "question": "Can cord cells be rejected?", "mode": "staff"})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    folders = ["--sources-dir", str(tiny_settings.sources_dir), "--index-dir", str(tiny_settings.index_dir)]
    assert main([*folders, "batch", str(requests), "--out", str(out)]) == 1, "a failed line fails the run"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in rows] == ["a", None, "c"], "one output line per request, in order"
    assert rows[0]["citations"] and rows[0]["blocks"] and "draft" not in rows[0]
    assert rows[1]["line"] == 2 and "error" in rows[1], "the bad line is named, not dropped"
    assert rows[2]["mode"] == "staff" and "References" in rows[2]["draft"], "staff lines carry the draft"
    assert "answered 2 request(s); 1 failed" in capsys.readouterr().err
