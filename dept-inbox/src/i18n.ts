// Every string the department inbox shows its people (简体中文), in one place: the
// approver page's labels, notices and error texts. The department's own words — it is
// a separate program and does not share the window's catalog
// (src-main/common/i18n/zh-CN.ts). Protocol answers to windows stay English; the
// window shows its own Chinese text per error code.
import type { InboxState } from '../../src-main/common/sync-protocol.ts';

export const zh = {
  /** The packet states as the department names them. */
  states: {
    receiving: '接收中',
    delivered: '已送达',
    accepted: '已受理',
    correction_required: '需补正',
    refused: '不予受理',
    approved: '准予许可/办结',
    closed: '已办结',
  } satisfies Record<InboxState, string>,

  page: {
    suffix: '部门收件箱',
    logout: '退出',
    errorTitle: '出错了',
    backToList: '返回列表',
  },

  login: {
    title: '审批人登录',
    tokenLabel: '审批人令牌',
    submit: '登录',
    /** `command` arrives marked up (the CLI command that prints tokens). */
    hint: (command: string) => `令牌由管理员运行 ${command} 生成。`,
    invalidToken: '令牌无效',
    tooManyAttempts: (minutes: number) => `登录失败次数过多，请 ${minutes} 分钟后再试。`,
    staleNotice:
      '登录已失效：部门收件箱已重新启动（演示模式下随通办专窗一起重启），或距登录已超过 8 小时。请重新输入审批人令牌登录。',
    notDoneNotice: '刚才提交的操作未执行，登录后请重新提交。',
  },

  list: {
    title: '收件列表',
    all: '全部',
    columns: ['收件编号', '收件包', '版本', '窗口', '事项编码', '状态', '登记时间', '送达时间', ''],
    open: '查看与审批',
    empty: '暂无收件',
  },

  detail: {
    title: (reference: string, version: number) => `收件 ${reference} · 第 ${version} 版`,
    back: '← 返回列表',
    state: '状态',
    window: '窗口',
    itemCode: '事项编码',
    corrects: (previous: number) => `补正第 ${previous} 版`,
    decideHeading: '审批',
    noActions: '此状态下无可用操作。',
    filesHeading: '材料',
    fileColumns: ['文件', '类型', '大小', 'SHA-256'],
    notReceived: '（未收到）',
    bytes: (size: number) => `${size.toLocaleString('zh-CN')} 字节`,
    noFiles: '无文件',
    historyHeading: '经过',
    waybill: '运单号',
    supplyBy: '补正期限',
    noHistory: '尚无记录',
    manifestHeading: '收件清单',
    delivery: '办理结果送达方式：',
    deliveryMethods: { window: '窗口领取（原收件窗口）', post: '邮寄送达', electronic: '电子送达' },
    /** A posted result: the method, then whom and where it goes. */
    postedTo: (recipient: string, phone: string, address: string) =>
      `邮寄送达：收件人 ${recipient}，电话 ${phone}，地址 ${address}`,
  },

  /** The decision forms: field labels and the button of each. */
  decide: {
    accept: '受理',
    correctionItems: '需补正的材料（每行一项）',
    correctionReason: '说明（可选）',
    supplyBy: '补正期限（可选；不填则由收件窗口按补正期限规则计算）',
    correction: '一次性告知补正',
    refuseReason: '理由',
    refuse: '不予受理',
    /** Refusing after 受理 is the outcome of the matter (不予许可 for a licence, 不予办理 for a service), not 不予受理. */
    deny: '不予许可/不予办理',
    waybill: 'EMS 运单号（可选）',
    approve: '准予许可/办结',
    closeReason: '说明（可选）',
    close: '办结',
  },

  /** 办理进度查询: the public status page an applicant reaches with the 查询号 (no sign-in). */
  track: {
    title: '办理进度查询',
    codeLabel: '查询号',
    codeHint: '查询号印在申请材料接收凭证上，共12位，如 7K3M-Q9XD-4RW1；不区分大小写，短横线可不输入。',
    submit: '查询',
    item: '申请事项',
    receivedAt: '收件时间',
    state: '当前状态',
    updatedAt: '状态更新时间',
    deadline: '承诺办结时限',
    privacy: '本页只显示办理进度，不显示申请人的姓名、证件号码等个人信息。',
    notFoundTitle: '未查到该查询号',
    /** A code whose form or check symbol is wrong: never looked up. */
    malformed: '查询号有误：请核对接收凭证上的12位查询号（字母和数字，不含 I、L、O、U），可能有字抄错或前后颠倒。',
    unknown:
      '没有查到该查询号的办件。材料由收件窗口报送到审批部门，一般在收件后1个工作日内可以查到；如超过时间仍查不到，请致电接收凭证上的联系电话。',
    ambiguous: '该查询号暂不能在网上查询，请致电接收凭证上的联系电话查询办理进度。',
    tooMany: (minutes: number) => `查询失败次数过多，请 ${minutes} 分钟后再试。`,
    /** What each state tells the applicant. */
    states: {
      receiving: { label: '报送中', detail: '收件窗口正在把材料报送审批部门。' },
      delivered: { label: '已接收', detail: '审批部门已收到材料，正在审查是否受理。' },
      accepted: { label: '已受理', detail: '审批部门已受理，正在办理。' },
      correction_required: {
        label: '需补正',
        detail: '审批部门要求补正材料，请按收到的补正告知办理，或致电收件窗口。',
      },
      refused: { label: '不予受理', detail: '审批部门决定不予受理，书面决定由收件窗口或审批部门送达。' },
      approved: { label: '准予许可/办结', detail: '审批部门已作出准予（办结）的决定，请按约定的方式领取结果。' },
      closed: { label: '已办结', detail: '本件已办结。' },
    } satisfies Record<InboxState, { label: string; detail: string }>,
  },

  /** 好差评 the windows sent: every rating of a visit, 差评 to follow up within 15 working days. */
  ratings: {
    title: '好差评',
    link: '好差评',
    badOnly: '仅差评',
    all: '全部评价',
    columns: ['评价时间', '窗口', '查询号', '事项', '窗口人员', '总体/效率/水平/态度', '差评原因', '申请人意见'],
    levels: { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' } as Record<number, string>,
    categories: {
      slow: '等候或办理时间长',
      attitude: '服务态度差',
      unclear: '告知不清，未一次性告知',
      repeatedVisits: '多次跑动、反复提交材料',
      process: '办事流程繁琐',
      other: '其他',
    } as Record<string, string>,
    bad: '差评',
    empty: '暂无评价',
  },

  /** 视频会商: the approver's call console (/approver/calls/) and the packet page's record of calls. */
  calls: {
    title: '视频会商',
    link: '视频会商',
    placeButton: '发起视频会商',
    back: '← 返回收件列表',
    recordsHeading: '视频会商记录',
    noRecords: '尚无视频会商',
    recordColumns: ['发起', '审批人', '开始', '结束', '时长', '结束原因', '中断', '拍照'],
    placedBy: { window: '窗口发起', approver: '审批人发起' },
    endReasons: {
      hangup: '挂断',
      withdrawn: '发起方撤回了请求',
      declined: '被拒绝',
      expired: '无人接听，请求已过期',
      lost: '连接中断，未能恢复',
      refused: '部门收件箱已不再受理（已重启或已退出登录）',
    } as Record<string, string>,
    duration: (seconds: number) =>
      seconds >= 60 ? `${Math.floor(seconds / 60)} 分 ${seconds % 60} 秒` : `${seconds} 秒`,
    cut: (seconds: number) => `中断 ${seconds} 秒`,
    still: (material: string, sha: string, width: number, height: number) =>
      `${material}：${sha}…（${width}×${height}）`,
    none: '无',
    // The console.
    waitingHeading: '等待接听的会商请求',
    noWaiting: '暂无等待接听的会商请求。请保持本页打开，有请求时会显示在这里。',
    answer: '接听',
    hangup: '挂断',
    window: '窗口',
    item: '事项',
    applicant: '申请人',
    note: '说明',
    waitedFor: (seconds: number) => `已等待 ${seconds >= 60 ? `${Math.floor(seconds / 60)} 分钟` : `${seconds} 秒`}`,
    counterCamera: '柜台摄像头',
    documentCamera: '高拍仪',
    localPreview: '本人画面',
    quality: { good: '好', fair: '一般', poor: '差' } as Record<string, string>,
    qualityLine: (quality: string) => `通话质量：${quality}`,
    connecting: '正在连接…',
    calling: '正在呼叫窗口，等待窗口接听…',
    interrupted: '连接中断，正在重连…',
    restored: (seconds: number) => `已恢复（中断 ${seconds} 秒）`,
    ended: (reason: string) => `通话已结束（${reason}）`,
    material: '材料',
    requestStill: '请求拍照',
    stillWaiting: '已请求拍照，等待窗口拍摄…',
    stillFiled: (material: string, width: number, height: number) => `已归档：${material}（${width}×${height}）`,
    stillFailed: (reason: string) => `未能拍照：${reason}`,
    noMaterials: '此会商针对已封存的收件，拍照无处归档。',
    audioOnly: '未能打开摄像头，仅以声音参加会商。',
    receiveOnly: '未能打开摄像头和麦克风，只能观看和收听窗口的画面与声音。',
    turnUnreachable: '无法连接中继服务器（TURN），如果画面一直连不上，请联系管理员。',
    failed: (message: string) => `操作未成功：${message}`,
    signedOut: '登录已失效，请返回收件列表重新登录。',
    /** What the console says for each error code the inbox answers. */
    errorCodes: {
      'call.taken': '该会商已由其他审批人接听。',
      'call.ended': '该会商已结束。',
      'call.notFound': '没有这个会商，或该收件不是这个窗口报送的。',
      'call.notWaiting': '该会商已不在等待接听。',
      'call.forbidden': '这不是您的会商，无权操作。',
      'call.conflict': '会商状态已变化，请稍后重试。',
      'call.invalid': '请求内容有误。',
      'approver.unauthorized': '登录已失效，请返回收件列表重新登录。',
      'approver.badCsrf': '页面已过期，请刷新页面后重试。',
    } as Record<string, string>,
  },

  errors: {
    signInFirst: '请先登录',
    formExpired: '表单已过期，请刷新页面后重试',
    internal: '服务器内部错误',
    fileNotReceived: '该文件尚未收到',
    noSuchPacket: '没有这个收件',
    unknownDecision: '未知的审批操作',
  },
} as const;
