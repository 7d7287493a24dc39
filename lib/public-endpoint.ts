/**
 * PublicEndpoint: a Lambda that anyone on the internet can call (no AWS credentials: SNS
 * HTTPS subscriptions today, provider webhooks next), born with the guardrails every public
 * route needs (config `publicEndpoints`, docs/deploy.md#security):
 *
 * - reserved concurrency, so a flood of anonymous requests holds at most that many instances
 *   and never takes the account's unreserved concurrency from the send Lambdas;
 * - either a Lambda function URL (auth NONE, free), or, opt-in, an API Gateway HTTP API whose
 *   stage throttles every route (rate and burst), so excess requests get 429 from API Gateway
 *   without invoking anything. No function URL exists then, so the throttle cannot be bypassed;
 * - alarms on the function's invocations (a flood) and throttles (the reservation is full).
 *
 * Why an HTTP API and not CloudFront + WAF rate-based rules: the callers are SNS and provider
 * webhooks, which come from large shared address pools, so WAF's per-IP rate limit would
 * either throttle the legitimate sender or never trigger; what must be capped is the total
 * rate reaching the function, which is exactly the HTTP API stage throttle. An HTTP API has no
 * fixed cost ($1.00 per million requests in us-east-1), where WAF costs $5 per web ACL and $1
 * per rule every month plus $0.60 per million requests, and CloudFront would add a second
 * service to operate. It is still opt-in: it costs per request and changes the URL.
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html,
 * https://aws.amazon.com/waf/pricing/)
 */
import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type AlarmTarget, functionErrorsAlarm, wireAlarm } from './alarms.js';
import type { OperationsConfig, PublicEndpointsConfig } from './config.js';
import { logGroup, MailroomFunction, type MailroomFunctionProps } from './defaults.js';
import { acknowledge } from './nag.js';

export interface PublicEndpointProps extends Omit<MailroomFunctionProps, 'reservedConcurrency'> {
  readonly config: PublicEndpointsConfig;
  readonly operations: OperationsConfig;
  /** What the endpoint is, for alarm descriptions (e.g. "tracking HTTPS"). */
  readonly title: string;
  /** Why the route cannot use IAM authorization (acknowledged on the route when fronted). */
  readonly unauthenticatedReason: string;
  /** @default - alarms without actions */
  readonly alarms?: AlarmTarget;
}

export class PublicEndpoint extends Construct {
  public readonly handler: MailroomFunction;
  /** The URL to give callers (function URL, or the HTTP API endpoint). */
  public readonly url: string;
  /** Present without the throttled front. */
  public readonly functionUrl?: lambda.FunctionUrl;
  /** Present with config publicEndpoints.throttledFront.enabled. */
  public readonly httpApi?: apigw.HttpApi;
  public readonly stage?: apigw.HttpStage;
  public readonly invocationsAlarm: cloudwatch.Alarm;
  public readonly throttlesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PublicEndpointProps) {
    super(scope, id);
    const { config, alarms = {} } = props;
    this.handler = new MailroomFunction(this, 'Handler', {
      ...props,
      reservedConcurrency: config.reservedConcurrency ?? undefined,
    });
    const fn = this.handler.function;
    acknowledge(
      fn,
      'Serverless-LambdaDLQ',
      'Invoked synchronously (function URL or HTTP API): the caller gets the error and SNS retries by its delivery policy; a Lambda DLQ applies to asynchronous invocations only.',
    );

    if (config.throttledFront.enabled) {
      this.httpApi = new apigw.HttpApi(this, 'Api', {
        description: `Mailroom ${props.title}: throttled public front`,
        createDefaultStage: false,
      });
      const accessLogs = logGroup(this, 'AccessLogs', props.operations);
      this.stage = new apigw.HttpStage(this, 'Stage', {
        httpApi: this.httpApi,
        stageName: '$default',
        autoDeploy: true,
        throttle: { rateLimit: config.throttledFront.rateLimit, burstLimit: config.throttledFront.burstLimit },
        accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
      });
      const [route] = this.httpApi.addRoutes({
        path: '/',
        methods: [apigw.HttpMethod.POST],
        // Payload format 2.0 is the function URL's event shape, so the handler is the same.
        integration: new HttpLambdaIntegration('Integration', fn),
      });
      acknowledge(route!, 'AwsSolutions-APIG4', props.unauthenticatedReason);
      this.url = `${this.httpApi.apiEndpoint}/`;
    } else {
      this.functionUrl = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
      this.url = this.functionUrl.url;
    }

    this.invocationsAlarm = wireAlarm(
      new cloudwatch.Alarm(this, 'Invocations', {
        alarmDescription: `Mailroom: the public ${props.title} Lambda was invoked ${config.invocationsAlarmThreshold}+ times in 5 minutes (a flood, or a partner sending far more than usual).`,
        metric: fn.metricInvocations({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: config.invocationsAlarmThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarms,
    );
    this.throttlesAlarm = wireAlarm(
      new cloudwatch.Alarm(this, 'Throttles', {
        alarmDescription: `Mailroom: the public ${props.title} Lambda was throttled (its reserved concurrency is full); legitimate callers are being refused too.`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarms,
    );
    functionErrorsAlarm(this, 'Errors', fn, props.title, alarms);
  }
}

/**
 * JSON access log lines (HTTP API $context variables): who called, which route, and what the
 * throttle or the function answered (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    integrationError: '$context.integrationErrorMessage',
  }),
);
