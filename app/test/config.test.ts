import assert from "node:assert/strict";
import { listStageFiles, readStageFile } from "../../core/stage-file";
import { ConfigError, loadConfig, variableNames } from "../config";

describe("loadConfig", () => {
  it("uses the defaults when nothing is set", () => {
    assert.deepEqual(loadConfig({}), { stage: "local", region: "local", release: "dev", logLevel: "info" });
  });

  it("reads every variable when valid", () => {
    const release = `sha256:${"0123456789abcdef".repeat(4)}`;
    assert.deepEqual(
      loadConfig({ FLEET_STAGE: "prod", AWS_REGION: "ap-southeast-2", FLEET_RELEASE: release, FLEET_LOG_LEVEL: "debug" }),
      { stage: "prod", region: "ap-southeast-2", release, logLevel: "debug" },
    );
  });

  it("treats empty strings as unset", () => {
    assert.equal(loadConfig({ FLEET_RELEASE: "", FLEET_LOG_LEVEL: "" }).release, "dev");
  });

  it("ignores unrelated environment variables", () => {
    assert.equal(loadConfig({ PATH: "/bin", FLEET_STAGE: "dev" }).stage, "dev");
  });

  const badValues: [string, string, RegExp][] = [
    ["FLEET_RELEASE", "sha256:ABC", /FLEET_RELEASE="sha256:ABC": expected sha256:<64 lowercase hex digits> or dev/],
    ["FLEET_RELEASE", `sha256:${"A".repeat(64)}`, /FLEET_RELEASE=.*expected sha256:<64 lowercase hex digits> or dev/],
    ["FLEET_LOG_LEVEL", "verbose", /FLEET_LOG_LEVEL="verbose": expected one of debug, info, warn, error/],
    ["FLEET_STAGE", "Prod!", /FLEET_STAGE="Prod!": expected a stage name/],
    ["AWS_REGION", "mars", /AWS_REGION="mars": expected an AWS region code such as eu-west-1/],
  ];
  for (const [name, value, message] of badValues) {
    it(`rejects ${name}=${value.slice(0, 20)} naming the variable and what is expected`, () => {
      assert.throws(() => loadConfig({ [name]: value }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  it("reports every bad variable at once, one line each in the order the app reads them", () => {
    assert.throws(
      () => loadConfig({ FLEET_LOG_LEVEL: "loud", FLEET_RELEASE: "v1", FLEET_STAGE: "dev" }),
      (err: Error) => {
        assert.equal(
          err.message,
          [
            "Invalid environment for the fleet app:",
            '  FLEET_RELEASE="v1": expected sha256:<64 lowercase hex digits> or dev',
            '  FLEET_LOG_LEVEL="loud": expected one of debug, info, warn, error',
          ].join("\n"),
        );
        return true;
      },
    );
  });

  // Each check matches the whole value: a valid value with anything around it is refused.
  const accepted: [string, string][] = [
    ["FLEET_STAGE", "a"],
    ["FLEET_STAGE", `p${"x".repeat(31)}`],
    ["FLEET_STAGE", "dev-2"],
    ["AWS_REGION", "us-gov-west-1"],
    ["FLEET_RELEASE", "dev"],
    ["FLEET_LOG_LEVEL", "error"],
  ];
  const refused: [string, string][] = [
    ["FLEET_STAGE", `p${"x".repeat(32)}`],
    ["FLEET_STAGE", "1dev"],
    ["FLEET_STAGE", "dev\n"],
    ["AWS_REGION", "eu-west-1 "],
    ["AWS_REGION", "xeu-west-1"],
    ["FLEET_RELEASE", "devx"],
    ["FLEET_RELEASE", `sha256:${"a".repeat(63)}`],
    ["FLEET_RELEASE", `sha256:${"a".repeat(65)}`],
    ["FLEET_LOG_LEVEL", "infos"],
    ["FLEET_LOG_LEVEL", "INFO"],
  ];
  for (const [name, value] of accepted) {
    it(`accepts ${name}=${JSON.stringify(value)}`, () => {
      const config = loadConfig({ [name]: value });
      assert.ok(Object.values(config).includes(value), JSON.stringify(config));
    });
  }
  for (const [name, value] of refused) {
    it(`refuses ${name}=${JSON.stringify(value.slice(0, 40))}`, () => {
      assert.throws(() => loadConfig({ [name]: value }), (err: Error) => err instanceof ConfigError && err.message.includes(`${name}=${JSON.stringify(value)}: expected`));
    });
  }
});

describe("the example's stage files", () => {
  it("set no plain variable the app does not read (every fleet:env name is one it reads)", () => {
    const read = variableNames;
    for (const stack of listStageFiles()) {
      const unread = Object.keys(readStageFile(stack).env).filter((name) => !read.includes(name));
      assert.deepEqual(unread, [], `Pulumi.${stack}.yaml sets fleet:env ${unread.join(", ")}, which the example app never reads`);
    }
  });
});
