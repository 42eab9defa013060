"""The per-simulation log of an SBC run and its identity record, so one long run can span sittings.

Each finished simulation is one JSON line in ``sbc_<model>_sims.jsonl``; beside it ``sbc_<model>_sims.run.json``
holds what must match for a resumed run to be the same run (model id, data hash, seed, sampling settings,
parameters held fixed).
"""

from __future__ import annotations

import json
from pathlib import Path

from effcompute.data.documents import read_json_file


class ResumeError(ValueError):
    """An SBC log that cannot be continued (or would be overwritten) by the run asked for."""


def run_record_path(log_path) -> Path:
    """The identity record kept beside a simulation log: ``sbc_<model>_sims.jsonl`` -> ``sbc_<model>_sims.run.json``."""
    log_path = Path(log_path)
    return log_path.with_name(log_path.stem + ".run.json")


def run_identity(effmodel, data_hash: str, seed: int, settings: dict, fixed: dict | None) -> dict:
    """What must match for two sittings to be one SBC run: model id (name, config, version), data, seed, sampling
    (the model's start search included)."""
    return {
        "model": effmodel.name, "model_id": effmodel.model_id(), "data_hash": data_hash, "seed": seed,
        "settings": {**dict(settings), **({"start_search": effmodel.start_search} if effmodel.start_search else {})}, "fixed": dict(sorted((fixed or {}).items())),
    }


def start_log(log_path, identity: dict, resume: bool, sims: int) -> list[dict]:
    """Prepare ``log_path`` for a run; return the simulations already done (empty unless ``resume``).

    A new run refuses to overwrite a log that holds simulations; ``resume`` refuses a log whose run differs
    (another model version, data set, seed or sampling setting), naming the field.
    """
    log_path = Path(log_path)
    record = run_record_path(log_path)
    has_log = log_path.exists() and log_path.stat().st_size > 0
    if not resume:
        if has_log:
            raise ResumeError(f"{log_path}: already holds simulations; pass --resume to continue that run, or choose another --out")
        record.write_text(json.dumps(identity, indent=2) + "\n")
        log_path.write_text("")
        return []
    if not has_log:
        raise ResumeError(f"{log_path}: no simulation log to resume; run without --resume to start one")
    if not record.exists():
        raise ResumeError(f"{record}: missing, so the run in {log_path.name} cannot be checked; start a new run in another --out")
    previous = read_json_file(record, ResumeError)
    for field, value in identity.items():
        if previous.get(field) != value:
            raise ResumeError(f"{record}: field {field!r} is {previous.get(field)!r} in the logged run but {value!r} in this one; "
                              "resume only with the same model version, data, seed and sampling settings")
    done = logged_results(log_path)
    seen = [r["sim"] for r in done]
    if len(seen) != len(set(seen)):
        raise ResumeError(f"{log_path}: simulation {next(i for i in seen if seen.count(i) > 1)} appears twice")
    return [r for r in done if r["sim"] < sims]


def logged_results(log_path: Path) -> list[dict]:
    """The log's simulation records; a last line cut short (the run was killed while writing it) is dropped from
    the file, so that simulation is refitted."""
    lines = log_path.read_text().splitlines(keepends=True)
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            record["sim"], record["ranks"]
        except (json.JSONDecodeError, KeyError, TypeError):
            if number == len(lines) and not line.endswith("\n"):
                log_path.write_text("".join(lines[:-1]))
                break
            raise ResumeError(f"{log_path}: line {number} is not a simulation record; the log cannot be resumed") from None
        records.append(record)
    return records


def results_from_log(path) -> list[dict]:
    """The per-simulation results a run logged to JSONL (an interrupted run's partial record), in simulation order."""
    lines = Path(path).read_text().splitlines()
    return sorted((json.loads(line) for line in lines if line.strip()), key=lambda r: r["sim"])
