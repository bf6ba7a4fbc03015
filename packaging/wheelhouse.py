"""Gather every wheel LT Desktop needs into one folder, to install with no network.

    .venv/bin/python packaging/wheelhouse.py --verify             # this computer's kind
    .venv/bin/python packaging/wheelhouse.py --platform windows   # 64-bit Windows
    .venv/bin/python packaging/wheelhouse.py --platform linux --python-version 3.12

The folder (dist/wheelhouse-PLATFORM-pyVERSION/ unless --out says otherwise) holds
the app's own wheel, a wheel for each library it needs (downloaded from the package
index for that platform and Python version; nothing is built on the target),
requirements.txt with the exact versions, install.bat and install.sh, and
README.txt. On the target computer, with the same Python version installed:

    pip install --no-index --find-links wheelhouse lt-desktop

``--verify`` (only for this computer's own kind) installs the folder into a fresh
virtual environment with the network and every pip setting switched off, then
runs the installed ``lt-desktop``: its version, a demo store, and the app's own
``--smoke-test`` offscreen.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROJECT = "lt-desktop"

#: Short names for the platforms LT Desktop runs on; anything else is passed to pip
#: as a platform tag. A Linux wheel tagged for a newer C library than the target's
#: will not install there: the tags name the oldest glibc each wheel supports.
PLATFORMS = {
    "windows": ["win_amd64"],
    "linux": [
        "manylinux_2_34_x86_64",
        "manylinux_2_28_x86_64",
        "manylinux_2_17_x86_64",
        "manylinux2014_x86_64",
        "linux_x86_64",
    ],
}

INSTALL_SH = """\
#!/bin/sh
# Install LT Desktop from this folder with no network, into a folder of your own
# (no administrator rights needed):  sh install.sh [FOLDER]
# FOLDER defaults to ~/.local/share/lt-desktop-app; set PYTHON to choose the Python.
set -e
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-"$HOME/.local/share/lt-desktop-app"}
"${PYTHON:-python3}" -m venv "$target"
"$target/bin/python" -m pip install --no-index --find-links "$here" \\
    --requirement "$here/requirements.txt"
echo "LT Desktop is installed. Start it with: $target/bin/lt-desktop"
"""

INSTALL_BAT = """\
@echo off
rem Install LT Desktop from this folder with no network, into a folder of your own
rem (no administrator rights needed):  install.bat [FOLDER]
rem FOLDER defaults to %LOCALAPPDATA%\\LT Desktop\\app. Needs Python {python}.
setlocal
set "HERE=%~dp0."
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%LOCALAPPDATA%\\LT Desktop\\app"
set "PY=py -{python}"
where py >nul 2>nul || set "PY=python"
%PY% -m venv "%TARGET%" || exit /b 1
"%TARGET%\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%" ^
    --requirement "%HERE%\\requirements.txt" || exit /b 1
echo LT Desktop is installed. Start it with: "%TARGET%\\Scripts\\lt-desktop.exe"
"""

README = """\
LT Desktop {version}: everything needed to install it on a computer with no network
Platform: {platform}; Python {python} ({count} wheels)

1. Install Python {python} from python.org ("Install for me only" needs no
   administrator rights on Windows).
2. Copy this folder to the computer, then run, from inside it:
     Windows:  install.bat
     Linux:    sh install.sh
   or do the same by hand in a virtual environment of your own:
     pip install --no-index --find-links . lt-desktop
3. Start the app with lt-desktop (Windows: lt-desktop.exe in the folder's Scripts).
   Check the installation with: lt-desktop --version, then lt-desktop --smoke-test

requirements.txt lists the exact version of every wheel here.
"""


def project_requirements() -> list[str]:
    """The app's dependencies, exactly as pyproject.toml states them."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        return list(tomllib.load(file)["project"]["dependencies"])


def requirement_name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert found is not None, requirement
    return normalise(found.group(0))


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_pins(folder: Path) -> dict[str, str]:
    """name -> version of each wheel in ``folder``, from the file names."""
    pins = {}
    for wheel in sorted(folder.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        pins[normalise(name)] = version
    return pins


def pip(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *map(str, args)]


def gather(out: Path, platforms: list[str], python_version: str) -> dict[str, str]:
    """Fill ``out`` with the wheels; returns name -> version of each."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    print(f"Building the {PROJECT} wheel ...", flush=True)
    subprocess.run(pip("wheel", "--quiet", "--no-deps", "--wheel-dir", out, ROOT), check=True)
    (own,) = out.glob("lt_desktop-*.whl")
    target = ["--python-version", python_version, "--implementation", "cp"]
    for tag in platforms:
        target += ["--platform", tag]
    print(f"Downloading wheels for {', '.join(platforms) or 'this computer'} ...", flush=True)
    subprocess.run(
        pip(
            "download",
            "--quiet",
            "--only-binary=:all:",
            "--dest",
            out,
            *target,
            own,
            *project_requirements(),
        ),
        check=True,
    )
    pins = wheel_pins(out)
    missing = {requirement_name(r) for r in project_requirements()} - set(pins)
    if missing or normalise(PROJECT) not in pins:
        raise SystemExit(f"The wheelhouse lacks {sorted(missing) or PROJECT}.")
    (out / "requirements.txt").write_text(
        "".join(f"{name}=={version}\n" for name, version in sorted(pins.items())),
        encoding="utf-8",
    )
    (out / "install.sh").write_text(INSTALL_SH, encoding="utf-8", newline="\n")
    (out / "install.bat").write_text(
        INSTALL_BAT.format(python=python_version), encoding="utf-8", newline="\r\n"
    )
    (out / "README.txt").write_text(
        README.format(
            version=pins[normalise(PROJECT)],
            platform=", ".join(platforms) or "this computer's",
            python=python_version,
            count=len(pins),
        ),
        encoding="utf-8",
    )
    return pins


def offline_environment() -> dict[str, str]:
    """No pip settings from the machine (no extra indexes or folders), no app settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "LT_DESKTOP_")) and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env["PIP_CONFIG_FILE"] = os.devnull
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def verify(out: Path) -> None:
    """Install ``out`` the way install.sh / install.bat do, then run the app from it."""
    with tempfile.TemporaryDirectory(prefix="lt-desktop-wheelhouse-") as scratch:
        target = Path(scratch) / "app"
        env = offline_environment()
        base_python = getattr(sys, "_base_executable", sys.executable)
        print(f"Installing offline into {target} ...", flush=True)
        if os.name == "nt":
            subprocess.run([base_python, "-m", "venv", target], env=env, check=True)
            python = target / "Scripts" / "python.exe"
            subprocess.run(
                [
                    python,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--no-index",
                    "--find-links",
                    out,
                    "--requirement",
                    out / "requirements.txt",
                ],
                env=env,
                check=True,
            )
            program = target / "Scripts" / "lt-desktop.exe"
        else:
            subprocess.run(
                ["sh", out / "install.sh", target], env={**env, "PYTHON": base_python}, check=True
            )
            program = target / "bin" / "lt-desktop"
        version = subprocess.run(
            [program, "--version"], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
        print(f"  ok  {program.name} --version: {version}", flush=True)
        store = Path(scratch) / "store"
        subprocess.run(
            [program, "--smoke-test", "--data-dir", store], env=env, check=True, timeout=300
        )
        print("  ok  the installed app started, signed in to a demo store and quit", flush=True)


def this_platform_only(platforms: list[str], python_version: str) -> bool:
    return not platforms and python_version == f"{sys.version_info[0]}.{sys.version_info[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--platform",
        action="append",
        default=[],
        metavar="NAME",
        help="windows, linux, or a pip platform tag such as win_amd64 (repeatable; "
        "default: this computer)",
    )
    default_python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    parser.add_argument(
        "--python-version",
        default=default_python,
        help=f"the target's Python, e.g. 3.11 (default: {default_python})",
    )
    parser.add_argument("--out", type=Path, help="the folder to fill (emptied first)")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="install the result offline into a fresh environment and run it "
        "(this computer's platform and Python only)",
    )
    args = parser.parse_args(argv)
    platforms = [tag for name in args.platform for tag in PLATFORMS.get(name, [name])]
    if args.verify and not this_platform_only(platforms, args.python_version):
        parser.error("--verify installs here, so it goes without --platform or another Python")
    label = "-".join(args.platform) or sys.platform
    out = (args.out or ROOT / "dist" / f"wheelhouse-{label}-py{args.python_version}").resolve()
    pins = gather(out, platforms, args.python_version)
    size = sum(path.stat().st_size for path in out.iterdir())
    print(f"{len(pins)} wheels, {size / 1_000_000:.0f} MB, in {out}", flush=True)
    if args.verify:
        verify(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
