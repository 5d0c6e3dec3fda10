"""Which code trained a model: the last git commit of infra/models, marked dirty with a content
hash of its training sources when they differ from that commit, or the content hash alone
outside git (e.g. a copy of the folder)."""
import hashlib
import subprocess
from pathlib import Path

HERE = Path(__file__).parent


def sources_hash():
    """sha256 over the files training reads (the same set whose change makes Triton's install retrain)."""
    digest = hashlib.sha256()
    for path in sorted([*HERE.glob("*.py"), HERE / "feature-order.json"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _git(*args):
    result = subprocess.run(["git", "-C", str(HERE), *args], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def code_version():
    commit = _git("log", "-1", "--format=%H", "--", ".")
    if not commit:
        return f"sources-sha256:{sources_hash()[:16]}"
    if _git("status", "--porcelain", "--", "."):
        return f"git:{commit}+dirty.sources-sha256:{sources_hash()[:16]}"
    return f"git:{commit}"
