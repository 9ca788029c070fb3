#!/usr/bin/env python3
"""Writes backup-v1.json from backup-profiles.json, following the backup
format described in backup.go, with Python's own PBKDF2 and AES-GCM: a file
made outside the Go code that the Go code must read."""
import base64, json, os, hashlib, pathlib
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

here = pathlib.Path(__file__).parent
spec = json.loads((here / "backup-profiles.json").read_text(encoding="utf-8"))
salt = os.urandom(16)
iterations = 1000  # the lowest count the vault accepts, to keep tests fast
key = hashlib.pbkdf2_hmac("sha256", spec["passphrase"].encode(), salt, iterations, 32)
payload = json.dumps({"exported": "2024-05-01T09:30:00Z", "profiles": spec["profiles"]},
                     ensure_ascii=False).encode()
nonce = os.urandom(12)
data = nonce + AESGCM(key).encrypt(nonce, payload, b"ottpay-vault-backup/1")
out = {"format": "ottpay-vault-backup", "version": 1,
       "kdf": {"name": "pbkdf2-sha256", "iterations": iterations,
               "salt": base64.b64encode(salt).decode()},
       "data": base64.b64encode(data).decode()}
(here / "backup-v1.json").write_text(json.dumps(out, indent=2) + "\n")
