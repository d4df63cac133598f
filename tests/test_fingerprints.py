"""Fingerprints identify a finding across commits: stable when unrelated things move, never shared."""

from tests.helpers import run

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
spec:
  selector: {{matchLabels: {{app: orders}}}}
  template:
    metadata: {{labels: {{app: orders}}}}
    spec:
      containers:{extra_container}
        - name: db
          image: postgres:16
      volumes:{extra_volume}
        - name: cache
          hostPath: {{path: /mnt/cache}}
"""


def fingerprints(tmp_path, monkeypatch, **extra) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(DEPLOYMENT.format(extra_container=extra.get("c", ""), extra_volume=extra.get("v", "")))
    return {f.rule_id: f.fingerprint for f in run(["."], ["BCDR502", "BCDR503"])}


def test_adding_a_container_or_volume_before_the_one_at_fault_keeps_fingerprints(tmp_path, monkeypatch):
    before = fingerprints(tmp_path, monkeypatch)
    after = fingerprints(
        tmp_path, monkeypatch,
        c="\n        - name: sidecar\n          image: envoyproxy/envoy:v1.30",
        v="\n        - name: tmp\n          emptyDir: {}",
    )
    assert set(before) == {"BCDR502", "BCDR503"}
    assert after == before


def test_identical_parse_errors_in_one_file_get_distinct_fingerprints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    block = 'resource "azurerm_resource_group" "{0}" {{\n  name = "a"\n  name = "b"\n  location = "eastus"\n}}\n'
    (tmp_path / "main.tf").write_text(block.format("one") + block.format("two"))
    errors = run(["."], ["BCDR001"])
    assert [f.location.start_line for f in errors] == [3, 8]
    assert errors[0].message == errors[1].message
    assert errors[0].fingerprint != errors[1].fingerprint
