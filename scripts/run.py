"""Install LT Desktop into .venv and open it on the demo store (made on first run).

python3 scripts/run.py              # the demo store in .demo-store/
python3 scripts/run.py --data-dir D # any other store folder
"""

from __future__ import annotations

import subprocess
import sys

from _venv import ROOT, ensure_environment


def main() -> int:
    python = ensure_environment()
    arguments = sys.argv[1:]
    if "--data-dir" not in arguments:
        demo = ROOT / ".demo-store"
        if not (demo / "keys.json").exists():
            print("Making a demo store of made-up people (a few seconds) ...", flush=True)
            subprocess.run(
                [str(python), "-m", "lt_desktop", "demo", "--data-dir", str(demo)], check=True
            )
        else:
            print("Opening the demo store: sign in as demo, password demo.", flush=True)
        arguments = ["--data-dir", str(demo), *arguments]
    return subprocess.run([str(python), "-m", "lt_desktop", *arguments]).returncode


if __name__ == "__main__":
    raise SystemExit(main())
