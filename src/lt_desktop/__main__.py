from lt_desktop.cli.main import main

raise SystemExit(main(ending=True))
