"""Claim documents survive a new container: the compose stack keeps the private root in a
volume (checked without a Docker engine)."""

from pathlib import Path, PurePosixPath

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_keeps_claim_documents_in_a_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    dockerfile = (ROOT / "Dockerfile").read_text()
    var_dir = PurePosixPath("/app/var")
    assert "MUTUALSOCIETY_VAR_DIR=/app/var" in dockerfile
    # the settings' default: VAR_DIR / "private" / "claim-documents"
    documents = var_dir / "private" / "claim-documents"
    assert "private" in compose["volumes"]
    for name in ("web", "worker", "beat"):
        mounts = {
            PurePosixPath(target): source
            for source, target in (m.split(":")[:2] for m in compose["services"][name]["volumes"])
        }
        covering = [t for t in mounts if t == documents or t in documents.parents]
        assert covering, name
        assert mounts[max(covering, key=lambda t: len(t.parts))] == "private", name
    # the mount point exists in the image and belongs to the app user (a named volume
    # takes the image's ownership; a missing folder would be created for root)
    assert "/app/var/private" in dockerfile and "chown -R app /app/var" in dockerfile
