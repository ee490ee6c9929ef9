#!/usr/bin/env python3
"""Builds the pinned engine fixtures that packages/training/src/engines.test.ts checks the launch files against.

Each fixture records where it came from (repository, path, commit) and the configuration keys or command
line flags the engine accepts at that commit. When an engine changes, rerun this on a fresh clone and commit
the new fixture: the launch-file tests then say which keys or flags to update.

Usage (each argument is a git directory, e.g. a bare clone):
  python3 tools/engine-fixtures/build_engine_fixtures.py --verl VERL_GIT --easyr1 EASYR1_GIT --openrlhf OPENRLHF_GIT \
      --out packages/training/engines/pinned
Needs PyYAML. Reads the files with `git show HEAD:<path>`; nothing is imported or run.
"""
import argparse
import ast
import json
import os
import subprocess

import yaml


def show(git_dir, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True).stdout


def head(git_dir):
    return subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


def ls(git_dir):
    return subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD"], check=True, capture_output=True, text=True).stdout.split("\n")


def provenance(git_dir, repository, paths):
    return {"repository": repository, "commit": head(git_dir), "paths": paths}


def verl_fixture(git_dir):
    """Every key of verl's flattened PPO trainer config (a Hydra override `a.b=c` must name one of them)."""
    path = "verl/trainer/config/_generated_ppo_trainer.yaml"
    config = yaml.safe_load(show(git_dir, path))
    keys = []

    def walk(node, prefix):
        for key, value in node.items():
            dotted = f"{prefix}{key}"
            keys.append(dotted)
            if isinstance(value, dict):
                walk(value, dotted + ".")

    walk(config, "")
    return {"engine": "verl", "provenance": provenance(git_dir, "volcengine/verl", [path]), "keys": sorted(keys)}


def annotation_text(node):
    return ast.unparse(node) if node is not None else ""


def easyr1_fixture(git_dir):
    """EasyR1's config tree: PPOConfig's dataclasses expanded to dotted keys, with each leaf's annotation."""
    paths = sorted(p for p in ls(git_dir) if p.startswith("verl/") and p.endswith("config.py"))
    classes = {}
    for path in paths:
        for node in ast.parse(show(git_dir, path)).body:
            if isinstance(node, ast.ClassDef) and any(annotation_text(d).startswith("dataclass") for d in node.decorator_list):
                fields = []
                for item in node.body:
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        factory = None
                        if isinstance(item.value, ast.Call) and annotation_text(item.value.func) == "field":
                            for keyword in item.value.keywords:
                                if keyword.arg == "default_factory":
                                    factory = annotation_text(keyword.value)
                        fields.append((item.target.id, annotation_text(item.annotation), factory))
                classes[node.name] = fields
    leaves = {}

    def expand(name, prefix):
        for field_name, annotation, factory in classes[name]:
            nested = factory if factory in classes else annotation if annotation in classes else None
            if nested:
                expand(nested, f"{prefix}{field_name}.")
            else:
                leaves[f"{prefix}{field_name}"] = annotation

    expand("PPOConfig", "")
    return {"engine": "easyr1", "provenance": provenance(git_dir, "hiyouga/EasyR1", paths), "leaves": dict(sorted(leaves.items()))}


def openrlhf_fixture(git_dir):
    """The flags of `python3 -m openrlhf.cli.train_ppo_ray`: name, whether it takes a value, its choices."""
    path = "openrlhf/cli/train_ppo_ray.py"
    flags = {}
    for node in ast.walk(ast.parse(show(git_dir, path))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_argument":
            names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            keywords = {k.arg: k.value for k in node.keywords}
            action = keywords.get("action")
            takes_value = not (isinstance(action, ast.Constant) and action.value in ("store_true", "store_false"))
            choices = keywords.get("choices")
            entry = {"takesValue": takes_value}
            if isinstance(choices, (ast.List, ast.Tuple)):
                entry["choices"] = [c.value for c in choices.elts if isinstance(c, ast.Constant)]
            for name in names:
                if name.startswith("--"):
                    flags[name] = entry
    return {"engine": "openrlhf", "provenance": provenance(git_dir, "OpenRLHF/OpenRLHF", [path]), "flags": dict(sorted(flags.items()))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verl", required=True)
    parser.add_argument("--easyr1", required=True)
    parser.add_argument("--openrlhf", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, fixture in (("verl", verl_fixture(args.verl)), ("easyr1", easyr1_fixture(args.easyr1)), ("openrlhf", openrlhf_fixture(args.openrlhf))):
        with open(os.path.join(args.out, f"{name}.json"), "w") as handle:
            json.dump(fixture, handle, indent=1)
            handle.write("\n")


if __name__ == "__main__":
    main()
