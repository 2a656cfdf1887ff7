#!/usr/bin/env python3
"""Lays out tfjs-node's deps/ directory from TensorFlow (and, for the GPU variant, NVIDIA) wheels.

tfjs-node's binding.gyp links `-ltensorflow -ltensorflow_framework` from deps/lib, includes the C
API headers from deps/include, and gives the binding the RUNPATH $ORIGIN/../../deps/lib. The
wheels ship the same C API in libtensorflow_cc.so.2 (TensorFlow >= 2.12), so:

  deps/lib/libtensorflow_cc.so.2           from the wheel's tensorflow/ directory
  deps/lib/libtensorflow_framework.so.2    from the wheel's tensorflow/ directory
  deps/lib/libtensorflow.so           -> libtensorflow_cc.so.2 (link-time name; the binding then
                                         records the SONAME libtensorflow_cc.so.2 as NEEDED)
  deps/lib/libtensorflow_framework.so -> libtensorflow_framework.so.2
  deps/include/{tensorflow,tsl,xla}/...h   the wheel's tensorflow/include (build time only)
  deps/nvidia/<lib>/lib/...  (gpu only)    the nvidia-*-cu12 wheels' nvidia/ tree

deps/ mirrors site-packages: deps/lib stands where site-packages/tensorflow stands and deps/nvidia
where site-packages/nvidia stands, so the RUNPATH the GPU wheel's libraries already carry
($ORIGIN/../nvidia/cudnn/lib, ...) finds the CUDA libraries without patching any ELF file.
Uses only the standard library (zipfile), so no `unzip` is needed.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import sys
import zipfile
from pathlib import Path

TF_LIBS = ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2")
HEADER_ROOTS = ("tensorflow/include/tensorflow/", "tensorflow/include/tsl/", "tensorflow/include/xla/")


def pins(requirements: Path) -> list[tuple[str, str]]:
    out = []
    for line in requirements.read_text().splitlines():
        m = re.match(r"^\s*([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def wheel_for(wheels: Path, name: str, version: str) -> Path:
    norm = re.sub(r"[-_.]+", "_", name).lower()
    found = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{norm}-{version}-")]
    if not found:
        sys.exit(f"layout_deps: no wheel for {name}=={version} in {wheels}")
    return sorted(found)[-1]


def extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as src, open(dest, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    mode = (info.external_attr >> 16) & 0o777
    os.chmod(dest, mode or 0o644)
    if dest.suffix == ".so" or ".so." in dest.name:
        os.chmod(dest, os.stat(dest).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def layout_tensorflow(wheel: Path, deps: Path) -> None:
    lib, inc = deps / "lib", deps / "include"
    with zipfile.ZipFile(wheel) as zf:
        names = {i.filename: i for i in zf.infolist()}
        for so in TF_LIBS:
            info = names.get(f"tensorflow/{so}")
            if info is None:
                sys.exit(
                    f"layout_deps: {wheel.name} has no tensorflow/{so}: TensorFlow < 2.12 keeps its C API "
                    "inside the CPython extension _pywrap_tensorflow_internal.so, which needs libpython"
                )
            extract(zf, info, lib / so)
        headers = 0
        for name, info in names.items():
            if name.startswith(HEADER_ROOTS) and name.endswith(".h"):
                extract(zf, info, inc / name[len("tensorflow/include/"):])
                headers += 1
    for link, target in (("libtensorflow.so", TF_LIBS[0]), ("libtensorflow_framework.so", TF_LIBS[1])):
        (lib / link).unlink(missing_ok=True)
        (lib / link).symlink_to(target)
    print(f"layout_deps: {wheel.name}: {', '.join(TF_LIBS)} and {headers} headers")


def layout_nvidia(wheel: Path, deps: Path) -> None:
    count = 0
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            n = info.filename
            # Shared libraries and tools (ptxas, libdevice); no headers, static libs or Python files.
            if not n.startswith("nvidia/") or n.endswith("/") or "/include/" in n or n.endswith((".a", ".py", ".pyc")):
                continue
            extract(zf, info, deps / n)
            count += 1
    print(f"layout_deps: {wheel.name}: {count} files under deps/nvidia")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=("cpu", "gpu"), required=True)
    ap.add_argument("--wheels", type=Path, required=True)
    ap.add_argument("--requirements", type=Path, required=True)
    ap.add_argument("--deps", type=Path, required=True)
    a = ap.parse_args()
    if a.deps.exists():
        shutil.rmtree(a.deps)
    for name, version in pins(a.requirements):
        wheel = wheel_for(a.wheels, name, version)
        if name.lower().startswith("tensorflow"):
            layout_tensorflow(wheel, a.deps)
        elif name.lower().startswith("nvidia-") and a.variant == "gpu":
            layout_nvidia(wheel, a.deps)


if __name__ == "__main__":
    main()
