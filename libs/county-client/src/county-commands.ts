import fs from 'node:fs';
import path from 'node:path';
import type { EventEnvelope } from '@vanguard/contracts';
import { PublishFailed, type CountyClient, type CountyDraft } from './county-client';
import { DecisionNotHandled, describeDecision, followDecisions } from './county-follow';
import { DevelopmentKeyRefused, describeForged } from './county-decision-check';
import { InvalidCountyData } from './county-message';
import { consumeReplies, describeReply } from './county-replies';
import {
  EXIT,
  UsageError,
  checkFlags,
  count,
  deedDraft,
  generatedRoster,
  parseArgs,
  parseRosterFile,
  progressDraft,
  rosterDrafts,
  rosterRemovalDraft,
  seconds,
  tallyDraft,
  visitDraft,
  type FlagSpec,
  type Flags,
} from './county-drafts';

export type Out = (line: string) => void;

/** At most this many lines per message are printed; a roster of 100,000 prints a summary. */
const LISTED = 20;

function printSent(out: Out, sent: readonly EventEnvelope[]): void {
  out(`已发送 ${sent.length} 条消息`);
  for (const e of sent.slice(0, LISTED)) out(`  消息 ${e.eventId}  ${e.type}  对象 ${e.streamId}  序号 ${e.streamVersion}`);
  if (sent.length > LISTED) out(`  … 另有 ${sent.length - LISTED} 条（均记在 ${'sent.jsonl'}）`);
}

/**
 * Sends and prints; when publishing stops, the messages already numbered and written down are
 * listed one id a line for `resend` (docs/county-integration.md, "After an outage").
 */
async function publish(client: CountyClient, out: Out, drafts: readonly CountyDraft[], flags: Flags, signal: AbortSignal): Promise<number> {
  try {
    printSent(out, await client.send(drafts, { validate: flags['unchecked'] !== true, signal }));
    return EXIT.OK;
  } catch (e) {
    if (!(e instanceof PublishFailed)) throw e;
    out(`✗ 发送未完成: ${e.reason}`);
    out(`${e.messageIds.length} 条消息已编号并记在 sent.jsonl，但未确认送达；恢复后逐条重发（npm run county -- resend <消息id>）:`);
    for (const id of e.messageIds) out(`  未确认 ${id}`);
    return EXIT.ERROR;
  }
}

function readRosterFile(name: string, defaultOrg: string | undefined): CountyDraft[] {
  const file = path.resolve(name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`无法读取花名册 ${file}: ${(e as Error).message}`);
  }
  return rosterDrafts(parseRosterFile(text, file, defaultOrg));
}

function rosterCommand(client: CountyClient, out: Out, flags: Flags, now: Date, signal: AbortSignal): Promise<number> {
  if (typeof flags['remove'] === 'string') return publish(client, out, [rosterRemovalDraft(flags, now)], flags, signal);
  const defaultOrg = typeof flags['org'] === 'string' ? flags['org'] : undefined;
  if (typeof flags['file'] === 'string') return publish(client, out, readRosterFile(flags['file'], defaultOrg), flags, signal);
  if (!defaultOrg) throw new UsageError('roster 须给出 --org <组织id> --count N，或 --file 花名册.json|csv');
  return publish(client, out, rosterDrafts(generatedRoster(defaultOrg, count(flags, 'count', 10))), flags, signal);
}

const V = 'value' as const;
const S = 'switch' as const;

/** Each command's flags and how many positional arguments it takes; anything else is a usage error. */
const COMMANDS: Readonly<Record<string, { flags: FlagSpec; positional: number }>> = {
  roster: { flags: { org: V, count: V, file: V, remove: V, reason: V, on: V, unchecked: S }, positional: 0 },
  progress: {
    flags: { pledge: V, org: V, member: V, quarter: V, items: V, done: V, on: V, note: V, unchecked: S },
    positional: 0,
  },
  tallies: {
    flags: {
      org: V,
      member: V,
      on: V,
      issued: V,
      returned: V,
      year: V,
      period: V,
      excellent: V,
      qualified: V,
      'basically-qualified': V,
      unqualified: V,
      satisfied: V,
      'basically-satisfied': V,
      dissatisfied: V,
      unchecked: S,
    },
    positional: 1,
  },
  deeds: {
    flags: {
      deed: V,
      org: V,
      'helper-unit': V,
      'helper-org': V,
      category: V,
      title: V,
      description: V,
      on: V,
      'amount-fen': V,
      unchecked: S,
    },
    positional: 0,
  },
  visits: {
    flags: { visit: V, cadre: V, 'cadre-name': V, org: V, on: V, households: V, summary: V, unchecked: S },
    positional: 0,
  },
  resend: { flags: {}, positional: 1 },
  replies: { flags: { group: V, idle: V }, positional: 0 },
  follow: { flags: { group: V, history: S, idle: V, 'allow-development-key': S }, positional: 0 },
};

function checkArgs(command: string, positional: readonly string[], flags: Flags): void {
  const spec = COMMANDS[command];
  if (!spec) return;
  checkFlags(command, flags, spec.flags);
  if (positional.length > spec.positional) throw new UsageError(`${command} 多余的参数: ${positional.slice(spec.positional).join(' ')}`);
  // Checked before anything is read or sent: a typo must not become a run that reads nothing.
  seconds(flags, 'idle', 0.001);
}

/** Waits for `signal`, or for `--idle <seconds>` without anything new, whichever comes first. */
function stopper(flags: Flags, signal: AbortSignal): { signal: AbortSignal; touch(): void } {
  const idleMs = seconds(flags, 'idle', 0.001);
  const ctl = new AbortController();
  signal.addEventListener('abort', () => ctl.abort(), { once: true });
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (idleMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(), idleMs);
  };
  touch();
  return { signal: ctl.signal, touch };
}

/** Runs one command of `npm run county -- <command> …` for `client`; returns the exit code. */
export async function runCountyCommand(
  client: CountyClient,
  command: string | undefined,
  args: readonly string[],
  out: Out,
  signal: AbortSignal,
  now: Date = new Date(),
): Promise<number> {
  const { positional, flags } = parseArgs(args);
  try {
    if (command !== undefined) checkArgs(command, positional, flags);
    switch (command) {
      case 'roster':
        return await rosterCommand(client, out, flags, now, signal);
      case 'progress':
        return await publish(client, out, [progressDraft(flags, now)], flags, signal);
      case 'tallies':
        return await publish(client, out, [tallyDraft(positional[0], flags, now)], flags, signal);
      case 'deeds':
        return await publish(client, out, [deedDraft(flags, now)], flags, signal);
      case 'visits':
        return await publish(client, out, [visitDraft(flags, now)], flags, signal);
      case 'resend': {
        const id = positional[0];
        if (!id) throw new UsageError('resend 须给出消息 id');
        try {
          const e = await client.resend(id);
          out(`已重发消息 ${e.eventId}  ${e.type}  对象 ${e.streamId}  序号 ${e.streamVersion}（原消息 id 与序号不变）`);
          return EXIT.OK;
        } catch (e) {
          if (!(e instanceof PublishFailed)) throw e;
          out(`✗ 重发未完成: ${e.reason}；消息 ${id} 仍记在 sent.jsonl，恢复后再重发`);
          return EXIT.ERROR;
        }
      }
      case 'replies': {
        const stop = stopper(flags, signal);
        out(`读取回复主题（${client.clientId}），按 Ctrl-C 停止`);
        await consumeReplies(client, {
          ...(typeof flags['group'] === 'string' ? { groupId: flags['group'] } : {}),
          onReply: (r) => (stop.touch(), out(describeReply(r))),
          signal: stop.signal,
        });
        return 0;
      }
      case 'follow': {
        const stop = stopper(flags, signal);
        out(`跟随平台公开决定（${client.clientId} 本县范围），按 Ctrl-C 停止`);
        try {
          await followDecisions(client, {
            ...(typeof flags['group'] === 'string' ? { groupId: flags['group'] } : {}),
            onDecision: (d) => (stop.touch(), out(describeDecision(d))),
            onForged: (f) => (stop.touch(), out(describeForged(f))),
            history: flags['history'] === true,
            allowDevelopmentKey: flags['allow-development-key'] === true,
            onSubscribed: (topics) => out(`跟随主题: ${topics.join(', ')}`),
            signal: stop.signal,
          });
        } catch (e) {
          // Its offset was not committed: the next `follow` starts from it (ADR 0111).
          if (!(e instanceof DecisionNotHandled)) throw e;
          out(`✗ ${e.message}`);
          return EXIT.ERROR;
        }
        return EXIT.OK;
      }
      default:
        out(USAGE);
        return command === undefined || command === 'help' ? EXIT.OK : EXIT.USAGE;
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof InvalidCountyData || e instanceof DevelopmentKeyRefused) {
      out(`错误: ${e.message}`);
      return EXIT.USAGE;
    }
    throw e;
  }
}

export const USAGE = `用法: npm run county -- [--client county-songling|county-hekou] [--state-dir 目录] [--kafka-… 见下] <命令> …
  全局选项可写在命令前或命令后；命令不认识的参数一律报错。退出码: 0 成功 1 出错（代理、Keycloak、审计服务不可达，消息未确认，follow 的决定未能处理） 2 用法错误 3 见证人拒绝（分叉、回滚）
  roster   --org <组织id> --count N            发送 N 名新党员的花名册
  roster   --file 花名册.json|csv [--org <id>]  按文件发送花名册（列: memberId,orgId,name,status,joinedOn,roles,posts）
  roster   --remove <县成员id> --org <组织id>   从花名册移除
  progress --pledge <id> --org <id> [--member <id>] --items N --done N [--quarter 2026-Q4] [--note 说明]   践诺进度
  tallies  review --member <id> --org <id> --issued N --returned N --excellent N --qualified N …          民主评议党员计票
  tallies  mass --org <id> [--member <id>] --period 2026 --issued N --returned N --satisfied N …         群众评议计票
  deeds    --org <村id> --helper-unit 单位 --title 事项 [--category road_hardening] [--amount-fen N]      办实事
  visits   --cadre <县成员id> --cadre-name 姓名 --org <村id> --households h1,h2 [--summary 民情日记]        走访慰问
  replies  [--group <组>] [--idle 秒]           打印平台对每条消息的处理结果
  follow   [--group <组>] [--history] [--idle 秒] 跟随平台公开决定（本县范围；--history 连同以往决定）
           验证密钥: EVALUATION_/COMMENDATION_/ORGANIZATION_EVENT_VERIFY_KEYS（缺一即拒绝启动）；--allow-development-key 仅用于本地演示平台
  resend   <消息id>                            原样重发（同一消息 id 与序号）
  witness  [--audit url] [--state 文件] [--context evaluation|commendation] [--every 秒≥1]   见证人（签署检查点）
  选项: --unchecked 不按契约校验即发送（用于检验平台的拒绝）；环境变量 COUNTY_CLIENT_ID、COUNTY_CLIENT_SECRET、COUNTY_STATE_DIR
Kafka 连接（命令前的全局选项，优先于环境变量；本县的每个 Kafka 客户端都用它）:
  --kafka-sasl scram-sha-512|scram-sha-256|plain   COUNTY_KAFKA_SASL_MECHANISM  以本县身份（User:<用户名>）认证，受代理 ACL 约束
  --kafka-user <用户名>                          COUNTY_KAFKA_USERNAME        默认为客户端 id
  --kafka-password-file <文件>                   COUNTY_KAFKA_PASSWORD        默认为开发用的 <客户端id>-demo-secret
  --kafka-brokers <主机:端口,…>                   COUNTY_KAFKA_BROKERS         默认: 启用 SASL 时 KAFKA_SASL_BROKERS（本地 127.0.0.1:9094），否则 KAFKA_BROKERS
  --kafka-ssl                                    COUNTY_KAFKA_SSL=1           以 TLS 连接代理
  --kafka-ca <CA 证书 PEM 文件>                   COUNTY_KAFKA_CA_FILE         签发代理证书的 CA（隐含 TLS）`;
