"""Offline validation of the package (cfn-lint, dependency cycles) and infra/package.py's guards."""

from __future__ import annotations

import copy
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import package
from infra.local import resources as local_resources
from infra.local import template as local_template
from tests.integration.deploy.conftest import ROOT, Packaged
from tests.integration.deploy.sam_reading import dependency_graph, find_cycle


def test_cfn_lint_finds_no_errors(packaged: Packaged) -> None:
    # GIVEN the packaged SAM template WHEN cfn-lint validates it offline THEN no E-rule fires
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--format", "parseable", str(packaged.template_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ":E" in line]
    assert errors == [] and result.returncode & 2 == 0, result.stdout + result.stderr


def test_packaged_resources_have_no_dependency_cycle(packaged: Packaged) -> None:
    # cfn-lint skips cycles through AWS::Serverless::* resources, so check them here.
    assert find_cycle(dependency_graph(packaged.template)) is None


def test_the_api_cannot_know_the_distribution_hostname(packaged: Packaged) -> None:
    # GIVEN the API took the CloudFront URL like the other functions WHEN resolving order
    # THEN Distribution -> RestAPI -> APIHandler -> Distribution: why its base URL is relative
    template = copy.deepcopy(packaged.template)
    env = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    env["RENDITIONS_BASE_URL"] = {"Fn::Sub": "https://${Distribution.DomainName}/renditions"}
    cycle = find_cycle(dependency_graph(template))
    assert cycle is not None and {"APIHandler", "Distribution", "RestAPI"} <= set(cycle)


def test_the_local_stack_still_reads_template_yaml() -> None:
    # GIVEN deploy-only additions in template.yaml WHEN infra/local parses it THEN it still orders
    loaded = local_template.load(ROOT / "template.yaml")
    ordered = [r.logical_id for r in loaded.in_creation_order()]
    assert ordered.index("IngestQueuePolicy") < ordered.index("UploadsBucket")
    assert {"ImagesTable", "UserPoolClient", "RenderDeadLetterQueue"} <= set(ordered)
    assert "IndexerFailuresQueue" in ordered  # a queue: created locally too
    # Deploy-only parameters have no local value; config falls back to its own defaults.
    assert loaded.parameters["SearchEngine"] == "domain"
    # Search, alarms and the dashboard are AWS-only: the local stack has no creator for them.
    deploy_only = {
        "AWS::OpenSearchService::Domain", "AWS::OpenSearchServerless::Collection",
        "AWS::OpenSearchServerless::SecurityPolicy", "AWS::OpenSearchServerless::AccessPolicy",
        "AWS::IAM::Policy", "AWS::SNS::Topic", "AWS::SNS::Subscription",
        "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard",
    }  # fmt: skip
    assert deploy_only <= {r.type for r in loaded.resources}
    assert not deploy_only & local_resources.CREATORS.keys()


def test_pip_targets_the_lambda_runtime_not_this_machine() -> None:
    args = package.lambda_pip_args()
    version = args[args.index("--python-version") + 1]
    platforms = {args[i + 1] for i, arg in enumerate(args) if arg == "--platform"}
    assert f"python{version}" == package.LAMBDA_RUNTIME
    assert "--only-binary=:all:" in args
    machine = package.MACHINES[package.DEFAULT_ARCH]
    assert f"manylinux_2_28_{machine}" in platforms  # pyvips-binary and Pillow 13 wheels
    assert f"manylinux_2_{package.LAMBDA_GLIBC_MINOR + 1}_{machine}" not in platforms


def test_binaries_needing_a_newer_glibc_than_the_runtime_are_refused(tmp_path: Path) -> None:
    # GIVEN a shared object asking for glibc 2.38 WHEN checked THEN packaging refuses it
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "libfine.so.1").write_bytes(b"\0GLIBC_2.17\0GLIBC_2.28\0")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "_ext.cpython-312-x86_64-linux-gnu.so").write_bytes(b"\0GLIBC_2.38\0")
    assert package.newest_glibc_needed(tmp_path / "ok") == 28
    package.check_glibc(tmp_path / "ok")
    with pytest.raises(package.PackagingError, match=r"glibc 2\.38"):
        package.check_glibc(tmp_path / "new")


def test_oversized_code_plus_layer_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "layers").mkdir()
    for archive in (tmp_path / "deployment.zip", tmp_path / package.LAYER_ZIP):
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("blob", b"x" * 600)
    assert package.check_size(tmp_path) == 1200
    monkeypatch.setattr(package, "UNZIPPED_LIMIT_BYTES", 1000)
    with pytest.raises(package.PackagingError, match="unzipped limit"):
        package.check_size(tmp_path)


def test_layer_zip_puts_packages_under_python(tmp_path: Path) -> None:
    site = tmp_path / "imaging" / "python" / "pyvips"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("")
    archive = package.zip_tree(tmp_path / "imaging", tmp_path / "imaging.zip")
    with zipfile.ZipFile(archive) as bundle:
        assert "python/pyvips/__init__.py" in bundle.namelist()


def test_stage_holds_code_and_config_but_no_requirements(tmp_path: Path) -> None:
    # GIVEN the project WHEN staged without pip THEN Chalice sees code, config, policies only
    package.stage_project(tmp_path / "stage", with_deps=False)
    stage = tmp_path / "stage"
    assert (stage / "app.py").is_file() and (stage / "chalicelib" / "config.py").is_file()
    assert {p.name for p in (stage / ".chalice").iterdir()} >= {
        "config.json",
        "policy-api.json",
        "policy-ingest.json",
        "policy-render.json",
        "policy-indexer.json",
    }
    assert not (stage / "requirements.txt").exists()
    assert not list(stage.rglob("__pycache__"))
