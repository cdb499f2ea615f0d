"""Two imports of the same file at once: one clean result, the other clean or a clear error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from keepwell.record.models import Account

ROWS = 8_000
CONFLICT = "another import or change wrote the same records at the same time"


def test_concurrent_command_line_imports_end_cleanly(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "accounts.csv"
    lines = "".join(f"A-{i},Account {i}\n" for i in range(ROWS))
    path.write_text("external_id,name\n" + lines, encoding="utf-8")
    command = [sys.executable, "-m", "keepwell", "--database-url", database_url, "import"]
    env = {**os.environ, "KEEPWELL_DATA_DIR": str(tmp_path / "data")}
    runs = [
        subprocess.Popen(
            [*command, "accounts", str(path), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    outcomes = []
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert "Traceback" not in err, err
        outcomes.append((run.returncode, json.loads(out)))
    created = [o for code, o in outcomes if code == 0 and o["created"] == ROWS]
    assert len(created) == 1, outcomes
    (code, other), *_ = [(c, o) for c, o in outcomes if o is not created[0]]
    if code == 0:  # it waited its turn and found every account already there
        assert (other["ok"], other["created"], other["unchanged"]) == (True, 0, ROWS)
    else:
        assert code == 2 and other["ok"] is False
        assert CONFLICT in other["errors"][0]["reason"], other
    with Session(engine) as session:
        assert session.scalar(select(func.count(Account.id))) == ROWS
