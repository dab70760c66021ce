def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
