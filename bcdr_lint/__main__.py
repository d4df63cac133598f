from bcdr_lint.cli import main

main(prog_name="bcdr-lint")
