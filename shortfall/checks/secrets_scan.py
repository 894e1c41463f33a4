"""A scan of the repository for secrets: private keys, keystores, PEM keys and BIP-39 mnemonics.

Deployments sign with ape accounts only (`--account ALIAS`, keyfiles under ape's data folder, or
ape's test accounts on local networks); no key or mnemonic belongs in a file of the repository. The one
mnemonic allowed is Anvil's and ape's public test mnemonic.

Run: python -m shortfall.checks.secrets_scan [ROOT]
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import eth_account

TEST_MNEMONIC = "test test test test test test test test test test test junk"
HEX_KEY = re.compile(r"(?<![0-9a-fA-Fx])(?:0x)?([0-9a-fA-F]{64})(?![0-9a-fA-F])")
KEY_ASSIGNMENT = re.compile(r"(?i)(private[_-]?key|secret[_-]?key)\s*[:=]\s*['\"]?((?:0x)?[0-9a-fA-F]{32,})")
WORD = re.compile(r"[a-z]+")
# Markers built from parts, so that this file does not match itself.
PEM_BEGIN, PEM_KIND = "-----" + "BEGIN", "PRIVATE" + " KEY"
KEYSTORE_FIELDS = ('"cipher' + 'text"', '"cry' + 'pto"')


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


def _wordlist() -> set[str]:
    path = Path(eth_account.__file__).parent / "hdaccount" / "wordlist" / "english.txt"
    return set(path.read_text().split())


def tracked_files(root: Path) -> list[Path]:
    """Files git tracks (or would track: untracked and not ignored) under `root`."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [root / line for line in out.splitlines() if line and (root / line).is_file()]


def _mnemonic_runs(line: str, words: set[str], minimum: int = 12) -> list[str]:
    runs, current = [], []
    for token in line.lower().split():
        token = token.strip(".,;:'\"`()[]{}")
        if WORD.fullmatch(token) and token in words:
            current.append(token)
            continue
        if len(current) >= minimum:
            runs.append(" ".join(current))
        current = []
    if len(current) >= minimum:
        runs.append(" ".join(current))
    return runs


def scan_text(text: str, path: str, words: set[str]) -> list[Hit]:
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in HEX_KEY.finditer(line):
            if int(match.group(1), 16) != 0:
                hits.append(Hit(path, number, "64-hex-digit value (a private key?)"))
        for match in KEY_ASSIGNMENT.finditer(line):
            hits.append(Hit(path, number, f"{match.group(1)} assigned a hex value"))
        if PEM_BEGIN in line and PEM_KIND in line:
            hits.append(Hit(path, number, "PEM private key"))
        for run in _mnemonic_runs(line, words):
            if run != TEST_MNEMONIC:
                hits.append(Hit(path, number, "BIP-39 mnemonic other than the public test mnemonic"))
    if KEYSTORE_FIELDS[0] in text and KEYSTORE_FIELDS[1] in text.lower():
        hits.append(Hit(path, 1, "encrypted keystore"))
    return hits


def scan(root: Path) -> list[Hit]:
    words = _wordlist()
    hits = []
    for file in tracked_files(root):
        try:
            text = file.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        hits += scan_text(text, str(file.relative_to(root)), words)
    return hits


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    hits = scan(root)
    for hit in hits:
        print(hit)
    print(f"secrets scan: {len(hits)} finding(s)")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
