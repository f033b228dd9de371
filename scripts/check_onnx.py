#!/usr/bin/env python3
"""Check ONNX graphs with onnx.checker (Debian's python3-onnx, onnx 1.12: opsets up to 17).

Usage: /usr/bin/python3 scripts/check_onnx.py MODEL.onnx [MODEL.onnx ...]

Each file is loaded and passed to onnx.checker.check_model (structure, operator schemas of ai.onnx and ai.onnx.ml,
subgraphs of Loop nodes; nodes of other domains such as com.microsoft are not schema-checked by onnx). Prints one line
per file, "ok <path> (<opsets>)" or "FAILED <path>: <reason>", and exits 1 when any file fails.
"""
import sys

import onnx


def main(paths):
    failed = 0
    for path in paths:
        try:
            model = onnx.load(path)
            onnx.checker.check_model(model)
            opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
            print(f"ok {path} ({opsets})")
        except Exception as e:  # the checker raises ValidationError, the loader DecodeError
            failed += 1
            print(f"FAILED {path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
