"""No private key or non-test mnemonic in the repository; and the scanner does find planted ones."""

from pathlib import Path

from eth_account import Account

from shortfall.checks.secrets_scan import TEST_MNEMONIC, _wordlist, scan, scan_text

ROOT = Path(__file__).resolve().parents[2]


def test_repository__scanned__no_private_key_or_mnemonic():
    hits = scan(ROOT)
    assert hits == [], "\n".join(map(str, hits))


def test_scanner__planted_secrets__each_found():
    Account.enable_unaudited_hdwallet_features()
    account, mnemonic = Account.create_with_mnemonic()
    words = _wordlist()
    key_hex = account.key.hex()
    assert scan_text(f"DEPLOYER = '{key_hex}'\n", "a.py", words)
    assert scan_text(f"export PRIVATE_KEY={key_hex[2:] if key_hex.startswith('0x') else key_hex}\n", ".env", words)
    assert scan_text(f"mnemonic: {mnemonic}\n", "cfg.yaml", words)
    assert scan_text("-----" + "BEGIN EC PRIVATE" + " KEY-----\n", "k.pem", words)
    assert scan_text(f"mnemonic: {TEST_MNEMONIC}\n", "ape-config.yaml", words) == []
