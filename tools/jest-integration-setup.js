// Integration tests talk to real servers: give them time, one test file at a time.
jest.setTimeout(90_000);
