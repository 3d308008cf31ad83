<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>AccountDialogs</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>再输一次：</source>
        <translation>Again:</translation>
    </message>
    <message>
        <source>至少8个字符</source>
        <translation>At least 8 characters</translation>
    </message>
    <message>
        <source>请填写密码</source>
        <translation>Enter the password</translation>
    </message>
    <message>
        <source>两次输入的密码不一致，请再输一次</source>
        <translation>The two passwords differ; type it again</translation>
    </message>
</context>
<context>
    <name>AccountsPage</name>
    <message>
        <source>账号与工作队</source>
        <translation>Accounts and teams</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>本机还没有以管理员或督导的账号登录服务器。在“同步”页用管理员或督导的账号登录后，这里可以为工作队员开账号、停用账号、重置密码和调整工作队。</source>
        <translation>This computer is not logged in to the server with an administrator or supervisor account. After logging in with one on the Sync page, you can open accounts for work-team members here, disable accounts, reset passwords and change teams.</translation>
    </message>
    <message>
        <source>去“同步”页登录</source>
        <translation>Log in on the Sync page</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>添加账号…</source>
        <translation>Add account…</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disable</translation>
    </message>
    <message>
        <source>停用后此账号不能再登录和同步；可随时重新启用</source>
        <translation>A disabled account can no longer log in or sync; it can be enabled again at any time</translation>
    </message>
    <message>
        <source>重置密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>调整工作队…</source>
        <translation>Change team…</translation>
    </message>
    <message>
        <source>查找用户名或工作队</source>
        <translation>Find a user name or team</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>工作队或管辖范围</source>
        <translation>Team or scope</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>电脑与上次同步</source>
        <translation>Computers and last sync</translation>
    </message>
    <message>
        <source>还没有您可以管理的账号。点“添加账号…”为工作队员开账号。</source>
        <translation>No accounts you can manage yet. Click &quot;Add account…&quot; to open one for a work-team member.</translation>
    </message>
    <message>
        <source>电脑超过{days}天未同步的，以黄色标出。</source>
        <translation>Computers not synced for over {days} days are marked in yellow.</translation>
    </message>
    <message>
        <source>添加工作队…</source>
        <translation>Add team…</translation>
    </message>
    <message>
        <source>修改驻村…</source>
        <translation>Edit villages…</translation>
    </message>
    <message>
        <source>派驻单位</source>
        <translation>Sending unit</translation>
    </message>
    <message>
        <source>队员账号</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>所驻的村</source>
        <translation>Villages</translation>
    </message>
    <message>
        <source>还没有工作队。点“添加工作队…”，填写名称并勾选所驻的村。</source>
        <translation>No work teams yet. Click &quot;Add team…&quot;, enter a name and tick the team&apos;s villages.</translation>
    </message>
    <message>
        <source>以 {user}（{role}）身份管理 · {server}</source>
        <translation>Managing as {user} ({role}) · {server}</translation>
    </message>
    <message>
        <source>正在同步，同步结束后继续…</source>
        <translation>A sync is running; continuing when it ends…</translation>
    </message>
    <message>
        <source>操作失败，请稍后重试；如果一再出现，请导出诊断包交给管理员</source>
        <translation>The action failed; try again later. If it keeps happening, export a diagnostics file for the administrator</translation>
    </message>
    <message>
        <source>输入密码</source>
        <translation>Enter password</translation>
    </message>
    <message>
        <source>本机无法保存登录，请输入您的登录密码：</source>
        <translation>This computer cannot keep the login; enter your password:</translation>
    </message>
    <message>
        <source>全部地区</source>
        <translation>All areas</translation>
    </message>
    <message>
        <source>未分配</source>
        <translation>None assigned</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>还没有电脑同步过</source>
        <translation>No computer has synced yet</translation>
    </message>
    <message>
        <source>账号（{n}）</source>
        <translation>Accounts ({n})</translation>
    </message>
    <message>
        <source>尚未驻村</source>
        <translation>No villages yet</translation>
    </message>
    <message>
        <source>工作队（{n}）</source>
        <translation>Work teams ({n})</translation>
    </message>
    <message>
        <source>从未同步</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>{when} · 电脑 {device}</source>
        <translation>{when} · computer {device}</translation>
    </message>
    <message>
        <source> · 待同步 {n} 条</source>
        <translation> · unsent: {n}</translation>
    </message>
    <message>
        <source> · 超过{days}天未同步</source>
        <translation> · not synced for over {days} days</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Enable</translation>
    </message>
    <message>
        <source>已添加账号 {name}。请把用户名和密码告诉本人，第一次登录后可在“同步”页使用。</source>
        <translation>Account {name} added. Tell its owner the user name and password; they log in on the Sync page.</translation>
    </message>
    <message>
        <source>已停用 {name}：此账号不能再登录和同步。要恢复，选中后点“启用”。</source>
        <translation>Disabled {name}: this account can no longer log in or sync. To restore it, select it and click &quot;Enable&quot;.</translation>
    </message>
    <message>
        <source>已启用 {name}。</source>
        <translation>Enabled {name}.</translation>
    </message>
    <message>
        <source>已为 {name} 重置密码。</source>
        <translation>The password of {name} has been reset.</translation>
    </message>
    <message>
        <source>{name} 已调到 {team}。</source>
        <translation>{name} moved to {team}.</translation>
    </message>
    <message>
        <source>已添加工作队 {name}。</source>
        <translation>Work team {name} added.</translation>
    </message>
    <message>
        <source>已保存 {name} 的驻村：{villages}。</source>
        <translation>Saved the villages of {name}: {villages}.</translation>
    </message>
</context>
<context>
    <name>AddAccountDialog</name>
    <message>
        <source>添加账号</source>
        <translation>Add account</translation>
    </message>
    <message>
        <source>登录用的名字，如 wangwei，不含空格</source>
        <translation>Name to log in with, e.g. wangwei (no spaces)</translation>
    </message>
    <message>
        <source>用户名：</source>
        <translation>User name:</translation>
    </message>
    <message>
        <source>角色：</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>选择工作队</source>
        <translation>Choose a work team</translation>
    </message>
    <message>
        <source>工作队：</source>
        <translation>Work team:</translation>
    </message>
    <message>
        <source>{county}（全县）</source>
        <translation>{county} (whole county)</translation>
    </message>
    <message>
        <source>督导的管辖范围：全县或一个乡镇</source>
        <translation>Supervisor&apos;s scope: the whole county or one township</translation>
    </message>
    <message>
        <source>管辖范围：</source>
        <translation>Scope:</translation>
    </message>
    <message>
        <source>还没有工作队：先在“工作队”页添加工作队，再为队员开账号。</source>
        <translation>No work teams yet: add one on the &quot;Work teams&quot; tab first, then open accounts for its members.</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>请填写用户名（不含空格）</source>
        <translation>Enter a user name (no spaces)</translation>
    </message>
    <message>
        <source>请选择工作队</source>
        <translation>Choose a work team</translation>
    </message>
    <message>
        <source>请选择管辖范围</source>
        <translation>Choose the scope</translation>
    </message>
</context>
<context>
    <name>AssistanceDialog</name>
    <message>
        <source>编辑帮扶记录</source>
        <translation>Edit assistance record</translation>
    </message>
    <message>
        <source>新建帮扶记录</source>
        <translation>New assistance record</translation>
    </message>
    <message>
        <source>如：黄花种植产业奖补</source>
        <translation>e.g. Daylily farming subsidy</translation>
    </message>
    <message>
        <source>没有金额可不填</source>
        <translation>Leave empty if no amount</translation>
    </message>
    <message>
        <source>还没有照片。可添加发放凭证、措施落实现场等照片</source>
        <translation>No photos yet. Add photos of receipts or of the measure in place</translation>
    </message>
    <message>
        <source>农户</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>措施类型</source>
        <translation>Measure type</translation>
    </message>
    <message>
        <source>帮扶内容</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>帮扶责任人</source>
        <translation>Responsible cadre</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>成效</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>照片</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>请输入户主姓名或户编号，并从列表中选择农户</source>
        <translation>Type a head name or household no. and pick from the list</translation>
    </message>
    <message>
        <source>请填写帮扶内容</source>
        <translation>Please describe the assistance</translation>
    </message>
    <message>
        <source>请从列表中选择帮扶责任人，或清空此项</source>
        <translation>Pick a responsible cadre from the list, or clear this field</translation>
    </message>
</context>
<context>
    <name>AssistancePage</name>
    <message>
        <source>帮扶记录</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <source>显示全部农户</source>
        <translation>All households</translation>
    </message>
    <message>
        <source>新建帮扶记录 (Ctrl+N)</source>
        <translation>New record (Ctrl+N)</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>措施</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>全部措施</source>
        <translation>All measures</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>村</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>农户姓名、户编号</source>
        <translation>Name or household no.</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>农户</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>措施类型</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>帮扶责任人</source>
        <translation>Cadre</translation>
    </message>
    <message>
        <source>成效</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>农户：{name}（{number}，{village}）</source>
        <translation>Household: {name} ({number}, {village})</translation>
    </message>
    <message>
        <source>按措施类型统计（与下方筛选条件一致，点击卡片筛选）</source>
        <translation>By measure type (same filters as below; click a card to filter)</translation>
    </message>
    <message>
        <source>{n} 项  {amount} 元</source>
        <translation>{n} · ¥{amount}</translation>
    </message>
    <message>
        <source>这户还没有帮扶记录，按 Ctrl+N 新建</source>
        <translation>No assistance records for this household yet. Press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>没有符合条件的帮扶记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建</source>
        <translation>No matching assistance records. Widen the filters above, or press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>今年还没有帮扶记录，按 Ctrl+N 新建</source>
        <translation>No assistance records this year yet. Press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>已保存帮扶记录“{content}”</source>
        <translation>Saved assistance record &quot;{content}&quot;</translation>
    </message>
    <message>
        <source>{name}的“{content}”</source>
        <translation>&quot;{content}&quot; for {name}</translation>
    </message>
    <message>
        <source>删除帮扶记录</source>
        <translation>Delete assistance record</translation>
    </message>
</context>
<context>
    <name>BackupsPage</name>
    <message>
        <source>备份与恢复</source>
        <translation>Backup and restore</translation>
    </message>
    <message>
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <source>备份到U盘…</source>
        <translation>Back up to USB stick…</translation>
    </message>
    <message>
        <source>恢复所选备份…</source>
        <translation>Restore selected backup…</translation>
    </message>
    <message>
        <source>从文件恢复…</source>
        <translation>Restore from file…</translation>
    </message>
    <message>
        <source>备份时间</source>
        <translation>Made at</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>还没有备份。按“立即备份”做第一份。</source>
        <translation>No backups yet. Press “Back up now” to make the first one.</translation>
    </message>
    <message>
        <source>每日自动</source>
        <translation>Daily (automatic)</translation>
    </message>
    <message>
        <source>手动</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>升级前自动</source>
        <translation>Before upgrade (automatic)</translation>
    </message>
    <message>
        <source>恢复前自动</source>
        <translation>Before restore (automatic)</translation>
    </message>
    <message>
        <source>每天第一次打开程序时自动备份一次，自动备份保留最近 {keep} 份（在“设置”中可改）；手动备份不会被自动删除。备份包含照片等附件，不含密钥和密码。数据目录所在的硬盘损坏时，只有U盘上的备份还能用，请定期“备份到U盘”。</source>
        <translation>A backup is made automatically the first time the program opens each day; the newest {keep} automatic backups are kept (change this in Settings). Manual backups are never deleted automatically. Backups include photos and other attachments, never keys or passwords. If the disk holding the data fails, only a backup on a USB stick survives: back up to a USB stick regularly.</translation>
    </message>
    <message>
        <source>操作失败，数据未改动。请检查磁盘空间后重试。</source>
        <translation>That failed; the data is unchanged. Check the free disk space and try again.</translation>
    </message>
    <message>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <source>备份到U盘</source>
        <translation>Back up to USB stick</translation>
    </message>
    <message>
        <source>workteam 备份 (*.sqlite3)</source>
        <translation>workteam backup (*.sqlite3)</translation>
    </message>
    <message>
        <source>已备份到 {path}（{size}）</source>
        <translation>Backed up to {path} ({size})</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose a backup file</translation>
    </message>
    <message>
        <source>workteam 备份 (*.sqlite3);;所有文件 (*)</source>
        <translation>workteam backup (*.sqlite3);;All files (*)</translation>
    </message>
    <message>
        <source>正在检查备份…</source>
        <translation>Checking the backup…</translation>
    </message>
    <message>
        <source>恢复备份</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <source>用备份“{name}”（{households} 户，{photos} 个附件）替换当前数据？
当前数据会先另存为一份“恢复前自动”备份，可以再恢复回来。恢复后程序将关闭，请重新打开。</source>
        <translation>Replace the current data with the backup “{name}” ({households} households, {photos} attachments)?
The current data is first kept as a “before restore” backup, so it can be restored again. The program closes after the restore; open it again.</translation>
    </message>
    <message>
        <source>已取消，数据未改动。</source>
        <translation>Cancelled; the data is unchanged.</translation>
    </message>
    <message>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
    <message>
        <source>已恢复。</source>
        <translation>Restored.</translation>
    </message>
    <message numerus="yes">
        <source>有 %n 个附件在备份中找不到。</source>
        <translation>
            <numerusform>%n attachment was not in the backup. </numerusform>
            <numerusform>%n attachments were not in the backup. </numerusform>
        </translation>
    </message>
    <message>
        <source>本机已换用新的设备编号，同步前请重新登录。</source>
        <translation>This laptop now has a new device ID; log in again before syncing.</translation>
    </message>
    <message>
        <source>已恢复</source>
        <translation>Restored</translation>
    </message>
    <message>
        <source>数据已恢复。{missing}程序现在关闭，请重新打开。</source>
        <translation>The data has been restored. {missing}The program closes now; please open it again.</translation>
    </message>
</context>
<context>
    <name>BoolEditor</name>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
</context>
<context>
    <name>BundleDialogs</name>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>正在取消，请稍候…</source>
        <translation>Cancelling, please wait…</translation>
    </message>
</context>
<context>
    <name>CaFileField</name>
    <message>
        <source>可不填：县里用自己的证书时才需要</source>
        <translation>Optional: the county&apos;s own CA</translation>
    </message>
    <message>
        <source>县里自己的证书颁发机构文件（PEM），由县里的管理员提供；登录成功后保存在数据目录，以后同步都用它验证服务器</source>
        <translation>The county&apos;s own certificate authority file (PEM), from the county&apos;s administrator; after a successful login it is kept in the data folder and every sync checks the server with it</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>选择县里的证书颁发机构文件</source>
        <translation>Choose the county&apos;s certificate authority file</translation>
    </message>
    <message>
        <source>证书文件 (*.pem *.crt);;所有文件 (*)</source>
        <translation>Certificate files (*.pem *.crt);;All files (*)</translation>
    </message>
</context>
<context>
    <name>CadreDialog</name>
    <message>
        <source>编辑干部</source>
        <translation>Edit cadre</translation>
    </message>
    <message>
        <source>添加干部</source>
        <translation>Add cadre</translation>
    </message>
    <message>
        <source>如：张伟</source>
        <translation>e.g. Zhang Wei</translation>
    </message>
    <message>
        <source>派出单位，如 大同市财政局</source>
        <translation>Sending unit, e.g. Datong Finance Bureau</translation>
    </message>
    <message>
        <source>到岗日期</source>
        <translation>Started on</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>离岗日期</source>
        <translation>Left on</translation>
    </message>
    <message>
        <source>请填写干部姓名</source>
        <translation>Enter the cadre&apos;s name</translation>
    </message>
    <message>
        <source>已添加 {name}</source>
        <translation>Added {name}</translation>
    </message>
    <message>
        <source>已保存 {name}</source>
        <translation>Saved {name}</translation>
    </message>
</context>
<context>
    <name>CadrePicker</name>
    <message>
        <source>输入干部姓名，回车选中；↓ 列出全部</source>
        <translation>Type a cadre name, Enter to pick; ↓ lists all</translation>
    </message>
    <message>
        <source>没有这位干部，请换个关键字</source>
        <translation>No such cadre; try another keyword</translation>
    </message>
</context>
<context>
    <name>CadreRows</name>
    <message>
        <source>再添加一名干部</source>
        <translation>Add another cadre</translation>
    </message>
</context>
<context>
    <name>ChoiceEditor</name>
    <message>
        <source>按数字键 1–{n} 直接选择，0 清空</source>
        <translation>Press 1–{n} to choose, 0 to clear</translation>
    </message>
</context>
<context>
    <name>ChoicePanel</name>
    <message>
        <source>欢迎使用驻村工作队工作平台</source>
        <translation>Welcome to the Village Work Team Platform</translation>
    </message>
    <message>
        <source>这台电脑上还没有工作队的数据。请选择怎样开始：</source>
        <translation>This computer holds no work team data yet. Choose how to start:</translation>
    </message>
    <message>
        <source>连接服务器</source>
        <translation>Connect to a server</translation>
    </message>
    <message>
        <source>县里有同步服务器时选这个：填写服务器地址、用户名和密码，本机取回您工作队的全部数据。</source>
        <translation>Choose this when the county has a sync server: enter the server address, user name and password, and this computer fetches all your team&apos;s data.</translation>
    </message>
    <message>
        <source>单机开始</source>
        <translation>Start offline</translation>
    </message>
    <message>
        <source>暂时没有服务器：选择所在的县和所驻的村，填写工作队和驻村干部。以后仍可登录服务器同步。</source>
        <translation>No server for now: choose your county and villages, and enter the work team and its cadres. You can still log in to a server and sync later.</translation>
    </message>
    <message>
        <source>从数据包开始</source>
        <translation>Start from a bundle</translation>
    </message>
    <message>
        <source>乡镇或县里用U盘给了数据包（.wtb 文件）：选择它，核对后导入。</source>
        <translation>The township or county gave you a bundle (.wtb file) on a USB drive: choose it, check it and import it.</translation>
    </message>
    <message>
        <source>看看演示数据</source>
        <translation>Try the demo</translation>
    </message>
    <message>
        <source>先熟悉一下程序：打开一个虚构的演示县。演示数据单独存放，不会混进正式数据。</source>
        <translation>Get to know the program first: open a made-up demo county. The demo data is kept apart and never mixes with real data.</translation>
    </message>
    <message>
        <source>数据目录：{home}</source>
        <translation>Data folder: {home}</translation>
    </message>
</context>
<context>
    <name>ConflictReviewDialog</name>
    <message>
        <source>处理冲突</source>
        <translation>Review conflicts</translation>
    </message>
    <message>
        <source>下面这些内容曾在两台电脑上被同时修改。系统先采用了较晚的修改，另一个值保存在这里，请逐条确认要用哪一个。您的选择会作为一次新的修改同步到其他电脑。</source>
        <translation>These items were changed on two computers at the same time. The later change is in use and the other value is kept here: confirm one by one which to use. Your choice is synced to the other computers as a new change.</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>当前值</source>
        <translation>Value in use</translation>
    </message>
    <message>
        <source>另一值</source>
        <translation>Other value</translation>
    </message>
    <message>
        <source>另一值修改人</source>
        <translation>Other value by</translation>
    </message>
    <message>
        <source>修改时间</source>
        <translation>Changed at</translation>
    </message>
    <message>
        <source>没有待处理的冲突。两台电脑同时修改同一项内容时，会列在这里。</source>
        <translation>No conflicts to review. When two computers change the same item at the same time, it is listed here.</translation>
    </message>
    <message>
        <source>当前值（正在使用）</source>
        <translation>Value in use</translation>
    </message>
    <message>
        <source>另一值（未采用）</source>
        <translation>Other value (not used)</translation>
    </message>
    <message>
        <source>保留当前值</source>
        <translation>Keep value in use</translation>
    </message>
    <message>
        <source>继续使用当前值，这条冲突标为已处理</source>
        <translation>Keep using the current value and mark this conflict as settled</translation>
    </message>
    <message>
        <source>改用另一值</source>
        <translation>Use other value</translation>
    </message>
    <message>
        <source>把另一值作为新的修改保存，并同步到其他电脑</source>
        <translation>Save the other value as a new change and sync it to the other computers</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message numerus="yes">
        <source>共 %Ln 处冲突待处理</source>
        <translation>
            <numerusform>%Ln conflict to review</numerusform>
            <numerusform>%Ln conflicts to review</numerusform>
        </translation>
    </message>
    <message>
        <source>读取冲突失败，请关闭后再试</source>
        <translation>Could not read the conflicts; close and try again</translation>
    </message>
    <message>
        <source>未署名</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <source>本机</source>
        <translation>this computer</translation>
    </message>
    <message>
        <source>设备 {id}</source>
        <translation>device {id}</translation>
    </message>
    <message>
        <source>{user}，{device}，{time} 修改</source>
        <translation>Changed by {user}, {device}, {time}</translation>
    </message>
    <message>
        <source>{entity}：{record}&#x3000;{field}</source>
        <translation>{entity}: {record} — {field}</translation>
    </message>
    <message>
        <source>此后这项内容又被改为“{value}”。</source>
        <translation>Since then this item was changed to “{value}”.</translation>
    </message>
    <message>
        <source>没有处理成功，数据没有改动，请再试一次</source>
        <translation>Not done; nothing was changed. Please try again</translation>
    </message>
</context>
<context>
    <name>ConnectPanel</name>
    <message>
        <source>连接服务器</source>
        <translation>Connect to a server</translation>
    </message>
    <message>
        <source>服务器地址、用户名和初始密码由县里的管理员提供。连接成功后，本机会取回您工作队的全部数据，以后有网络时自动同步。</source>
        <translation>The county&apos;s administrator gives you the server address, user name and first password. Once connected, this computer fetches all your team&apos;s data, then syncs automatically when online.</translation>
    </message>
    <message>
        <source>如 https://192.168.1.10:8800</source>
        <translation>e.g. https://192.168.1.10:8800</translation>
    </message>
    <message>
        <source>服务器地址：</source>
        <translation>Server address:</translation>
    </message>
    <message>
        <source>用户名：</source>
        <translation>User name:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>证书：</source>
        <translation>Certificate:</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>连接并同步</source>
        <translation>Connect and sync</translation>
    </message>
    <message>
        <source>进入程序</source>
        <translation>Open the program</translation>
    </message>
    <message>
        <source>请填写服务器地址</source>
        <translation>Enter the server address</translation>
    </message>
    <message>
        <source>请填写用户名</source>
        <translation>Enter the user name</translation>
    </message>
    <message>
        <source>请填写密码</source>
        <translation>Enter the password</translation>
    </message>
    <message>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>正在取回数据</source>
        <translation>Fetching data</translation>
    </message>
    <message>
        <source>已取消。账号已保存，已取回的数据也已保存；进入程序后在“同步”页继续。</source>
        <translation>Cancelled. The account is saved, and so is the data fetched so far; continue on the Sync page once in the program.</translation>
    </message>
    <message>
        <source>账号已保存，但第一次同步没有完成：{message}。进入程序后在“同步”页重试。</source>
        <translation>The account is saved, but the first sync did not finish: {message}. Try again on the Sync page once in the program.</translation>
    </message>
    <message>
        <source>已取消，没有保存任何内容。</source>
        <translation>Cancelled; nothing was saved.</translation>
    </message>
    <message>
        <source>连接失败，没有保存任何内容。请重试；如果一再出现，请联系县里的管理员。</source>
        <translation>Connecting failed; nothing was saved. Try again; if it keeps happening, contact the county&apos;s administrator.</translation>
    </message>
    <message>
        <source>这台电脑没有连上网络：请先接好网线或连上WiFi，再点“连接并同步”。</source>
        <translation>This computer is not on a network: plug in the cable or join a Wi-Fi network first, then click &quot;Connect and sync&quot;.</translation>
    </message>
    <message>
        <source>找不到服务器“{url}”：请核对服务器地址是否写对。</source>
        <translation>Server &quot;{url}&quot; not found: check that the server address is right.</translation>
    </message>
    <message>
        <source>{url} 上没有同步服务器在运行：请核对地址和端口号，或请管理员确认服务器已开启。</source>
        <translation>No sync server is running at {url}: check the address and port number, or ask the administrator whether the server is on.</translation>
    </message>
    <message>
        <source>服务器 {url} 没有响应：网络可能不通或太慢，请稍后重试。</source>
        <translation>Server {url} does not answer: the network may be down or too slow. Try again later.</translation>
    </message>
    <message>
        <source>{url} 不是同步服务器：请核对服务器地址。</source>
        <translation>{url} is not a sync server: check the server address.</translation>
    </message>
    <message>
        <source>服务器地址“{url}”写得不对，应形如 https://192.168.1.10:8800。</source>
        <translation>The server address “{url}” is not valid; it should look like https://192.168.1.10:8800.</translation>
    </message>
    <message>
        <source>用户名或密码不正确：请核对后重试（密码区分大小写）。</source>
        <translation>Wrong user name or password: check them and try again (the password is case-sensitive).</translation>
    </message>
    <message>
        <source>“{url}”是不加密的 http:// 地址，账号和数据会明文经过网络：请改用县里提供的 https:// 地址。</source>
        <translation>“{url}” is an unencrypted http:// address: your account and data would cross the network in clear. Use the https:// address the county gave you.</translation>
    </message>
</context>
<context>
    <name>CountyPicker</name>
    <message>
        <source>输入县（区）名称或6位代码，如 左云县、140226</source>
        <translation>County name or 6-digit code, e.g. 左云县, 140226</translation>
    </message>
    <message>
        <source>省</source>
        <translation>Province</translation>
    </message>
    <message>
        <source>市</source>
        <translation>City</translation>
    </message>
    <message>
        <source>县（区）</source>
        <translation>County</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>范围：</source>
        <translation>Scope:</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>收入低于观测标准
按人均纯收入算出的户数</source>
        <translation>Income below the observation line
Households, by income per head</translation>
    </message>
    <message>
        <source>零就业家庭
有劳动力无稳定就业</source>
        <translation>Zero employment
Able to work, no stable job</translation>
    </message>
    <message>
        <source>逾期未更新
超过一个季度未采集</source>
        <translation>Form overdue
Not updated for over a quarter</translation>
    </message>
    <message>
        <source>急难愁盼未解决
走访中发现的问题</source>
        <translation>Open urgent needs
Problems found on visits</translation>
    </message>
    <message>
        <source>本月走访覆盖率
已走访户 / 总户数</source>
        <translation>Visit coverage this month
Visited / all households</translation>
    </message>
    <message>
        <source>还没有农户。下一步：导入工作队的花名册（Excel 或 CSV），或登录服务器同步。</source>
        <translation>No households yet. Next step: import the team&apos;s roster (Excel or CSV), or log in to a server and sync.</translation>
    </message>
    <message>
        <source>导入花名册…</source>
        <translation>Import roster…</translation>
    </message>
    <message>
        <source>收入构成</source>
        <translation>Income structure</translation>
    </message>
    <message>
        <source>产业分布（户）</source>
        <translation>Industries (households)</translation>
    </message>
    <message>
        <source>监测状态（户）</source>
        <translation>Monitoring status (households)</translation>
    </message>
    <message>
        <source>共 {households} 户 {people} 人，其中易地搬迁 {relocated} 户；{year} 年户均人均纯收入 {income} 元；本月已走访 {visited} 户</source>
        <translation>{households} households, {people} people, {relocated} relocated; {year} average net income per head {income} yuan; {visited} households visited this month</translation>
    </message>
    <message>
        <source>户数</source>
        <translation>Households</translation>
    </message>
</context>
<context>
    <name>DeliveriesPage</name>
    <message>
        <source>十送行动</source>
        <translation>Ten Deliveries</translation>
    </message>
    <message>
        <source>新建行动 (Ctrl+N)</source>
        <translation>New action (Ctrl+N)</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>全部类别</source>
        <translation>All categories</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>村</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>受益户数</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>覆盖人数</source>
        <translation>People</translation>
    </message>
    <message>
        <source>{year} 年各类行动次数与覆盖人数（点击卡片按类别筛选）</source>
        <translation>Actions and people reached in {year} by category (click a card to filter)</translation>
    </message>
    <message numerus="yes">
        <source>%Ln 次</source>
        <translation>
            <numerusform>%Ln time</numerusform>
            <numerusform>%Ln times</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>覆盖 %Ln 人</source>
        <translation>
            <numerusform>%Ln person reached</numerusform>
            <numerusform>%Ln people reached</numerusform>
        </translation>
    </message>
    <message>
        <source>今年还没有十送行动记录，按 Ctrl+N 新建</source>
        <translation>No &quot;ten deliveries&quot; actions this year yet. Press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>没有符合条件的十送行动记录。可以放宽上面的筛选条件，或按 Ctrl+N 新建</source>
        <translation>No matching actions. Widen the filters above, or press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>已保存“{title}”</source>
        <translation>Saved &quot;{title}&quot;</translation>
    </message>
    <message>
        <source>“{title}”</source>
        <translation>&quot;{title}&quot;</translation>
    </message>
    <message>
        <source>删除十送行动</source>
        <translation>Delete action</translation>
    </message>
</context>
<context>
    <name>DeliveryDialog</name>
    <message>
        <source>编辑十送行动</source>
        <translation>Edit action</translation>
    </message>
    <message>
        <source>新建十送行动</source>
        <translation>New action</translation>
    </message>
    <message>
        <source>（不限村）</source>
        <translation>(any village)</translation>
    </message>
    <message>
        <source>如：村委会会议室</source>
        <translation>e.g. village committee room</translation>
    </message>
    <message>
        <source>一句话说明做了什么</source>
        <translation>What was done, in one sentence</translation>
    </message>
    <message>
        <source>输入户主姓名、户编号或身份证号后几位，回车加入</source>
        <translation>Head name, household no. or last ID digits; Enter to add</translation>
    </message>
    <message>
        <source>移除所选 (Delete)</source>
        <translation>Remove selected (Delete)</translation>
    </message>
    <message>
        <source>还没有照片。可添加活动现场、签到表等照片</source>
        <translation>No photos yet. Add photos of the event or the sign-in sheet</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>所在村</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>活动内容</source>
        <translation>Activity</translation>
    </message>
    <message>
        <source>人</source>
        <translation>people</translation>
    </message>
    <message>
        <source>覆盖人数</source>
        <translation>People reached</translation>
    </message>
    <message>
        <source>受益农户</source>
        <translation>Beneficiaries</translation>
    </message>
    <message>
        <source>成效</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>照片</source>
        <translation>Photos</translation>
    </message>
    <message numerus="yes">
        <source>已选 %n 户</source>
        <translation>
            <numerusform>%n household selected</numerusform>
            <numerusform>%n households selected</numerusform>
        </translation>
    </message>
    <message>
        <source>还没有选择受益农户</source>
        <translation>No beneficiary households selected yet</translation>
    </message>
    <message>
        <source>请填写标题，如“黄花种植技术培训”</source>
        <translation>Please enter a title, e.g. &quot;Daylily farming training&quot;</translation>
    </message>
</context>
<context>
    <name>EncryptDialog</name>
    <message>
        <source>加密本机数据</source>
        <translation>Encrypting this laptop&apos;s data</translation>
    </message>
    <message>
        <source>新版本把本机的农户信息加密保存（丢失或被盗的电脑上，别人读不出身份证号等信息）。
正在加密，数据较多时需要几分钟，请不要关机。中途断电或关闭也不会丢失数据，下次启动会重新开始。</source>
        <translation>This version keeps the household data encrypted (on a lost or stolen laptop nobody can read ID numbers and the rest).
Encrypting now; with much data this takes a few minutes, please do not switch off. A power cut or closing loses nothing: the next start begins again.</translation>
    </message>
    <message>
        <source>加密失败</source>
        <translation>Encryption failed</translation>
    </message>
    <message>
        <source>数据未加密，原数据完好：{reason}</source>
        <translation>The data was not encrypted and is intact: {reason}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>导出到U盘</source>
        <translation>Export to USB drive</translation>
    </message>
    <message>
        <source>选择文件夹…</source>
        <translation>Choose folder…</translation>
    </message>
    <message>
        <source>保存到：</source>
        <translation>Save to:</translation>
    </message>
    <message>
        <source>文件名：</source>
        <translation>File name:</translation>
    </message>
    <message>
        <source>只导出上次导出以来的新更改</source>
        <translation>Only changes new since the last export</translation>
    </message>
    <message>
        <source>全部（交接或给新电脑时用）</source>
        <translation>Everything (for a handover or a new laptop)</translation>
    </message>
    <message>
        <source>导出内容：</source>
        <translation>Export:</translation>
    </message>
    <message>
        <source>加密给指定设备（需要对方的公钥文件）</source>
        <translation>Encrypt for one device (needs its public key file)</translation>
    </message>
    <message>
        <source>对方设备的公钥文件</source>
        <translation>Public key file of the receiving device</translation>
    </message>
    <message>
        <source>选择公钥…</source>
        <translation>Choose key…</translation>
    </message>
    <message>
        <source>加密：</source>
        <translation>Encryption:</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>取消导出</source>
        <translation>Cancel export</translation>
    </message>
    <message>
        <source>选择U盘或文件夹</source>
        <translation>Choose the USB drive or a folder</translation>
    </message>
    <message>
        <source>选择对方设备的公钥文件</source>
        <translation>Choose the receiving device&apos;s public key file</translation>
    </message>
    <message>
        <source>公钥文件 (*.json);;所有文件 (*)</source>
        <translation>Public key files (*.json);;All files (*)</translation>
    </message>
    <message>
        <source>正在导出第 {done} / {total} 条更改，请不要拔出U盘…</source>
        <translation>Exporting change {done} of {total}; do not remove the USB drive…</translation>
    </message>
    <message>
        <source>请选择要保存到的U盘或文件夹。</source>
        <translation>Choose the USB drive or folder to save to.</translation>
    </message>
    <message>
        <source>找不到文件夹 {f}，请检查U盘是否已插好。</source>
        <translation>Folder {f} not found; check that the USB drive is plugged in.</translation>
    </message>
    <message>
        <source>请填写文件名（不能含 \ / : * ? &quot; &lt; &gt; |）。</source>
        <translation>Enter a file name (without \ / : * ? &quot; &lt; &gt; |).</translation>
    </message>
    <message>
        <source>请选择对方设备的公钥文件，或取消加密。</source>
        <translation>Choose the receiving device&apos;s public key file, or turn encryption off.</translation>
    </message>
    <message>
        <source>正在导出，请不要拔出U盘…</source>
        <translation>Exporting; do not unplug the USB drive…</translation>
    </message>
    <message>
        <source>没有需要导出的新更改，未生成数据包。</source>
        <translation>No new changes to export; no bundle was written.</translation>
    </message>
    <message>
        <source>已导出 {n} 条更改到 {path}</source>
        <translation>Exported {n} changes to {path}</translation>
    </message>
    <message>
        <source>（已加密，只有指定设备能打开）</source>
        <translation> (encrypted: only the chosen device can open it)</translation>
    </message>
    <message>
        <source>。注意：{n} 个附件不在本机，未带上</source>
        <translation>. Note: {n} attachments are not on this laptop and were left out</translation>
    </message>
    <message>
        <source>已取消导出，没有生成数据包。</source>
        <translation>Export cancelled; no bundle was written.</translation>
    </message>
    <message>
        <source>导出失败，请检查U盘后重试。</source>
        <translation>Export failed; check the USB drive and try again.</translation>
    </message>
</context>
<context>
    <name>FirstRunWindow</name>
    <message>
        <source>驻村工作队工作平台 · 开始使用</source>
        <translation>Village Work Team Platform · Getting started</translation>
    </message>
    <message>
        <source>看看演示数据</source>
        <translation>Try the demo</translation>
    </message>
    <message>
        <source>正在生成演示数据（约 {n} 户虚构农户），请稍候…
演示数据存放在 {home}，不会混进正式数据。</source>
        <translation>Creating the demo data (about {n} made-up households), please wait…
The demo data is kept in {home} and never mixes with real data.</translation>
    </message>
    <message>
        <source>已取消生成演示数据。</source>
        <translation>Creating the demo data was cancelled.</translation>
    </message>
    <message>
        <source>演示数据没有生成：{error}</source>
        <translation>The demo data was not created: {error}</translation>
    </message>
    <message>
        <source>没有导入数据包。可以重新选择，或换一种方式开始。</source>
        <translation>No bundle was imported. Choose again, or start another way.</translation>
    </message>
</context>
<context>
    <name>FormsPage</name>
    <message>
        <source>信息采集</source>
        <translation>Data collection</translation>
    </message>
    <message>
        <source>换一户（Ctrl+F）</source>
        <translation>Other household (Ctrl+F)</translation>
    </message>
    <message>
        <source>逾期未更新</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>提交（Ctrl+S）</source>
        <translation>Submit (Ctrl+S)</translation>
    </message>
    <message>
        <source>放弃修改，恢复档案中的信息</source>
        <translation>Discard changes and restore the record</translation>
    </message>
    <message>
        <source>Tab/回车 下一项 · 数字键选择 · 空格勾选 · Ctrl+N 添加成员</source>
        <translation>Tab/Enter next · digits choose · Space ticks · Ctrl+N adds member</translation>
    </message>
    <message>
        <source>信息采集表的定义文件有误，请联系管理员更新程序。
{detail}</source>
        <translation>The form definition file is faulty. Please ask the administrator to update the program.
{detail}</translation>
    </message>
    <message>
        <source>{title}（表单版本 v{version}）</source>
        <translation>{title} (form v{version})</translation>
    </message>
    <message>
        <source>“{name}”户未提交的修改已存为草稿，再打开这户可以接着填。</source>
        <translation>Unsubmitted changes for &quot;{name}&quot; were saved as a draft; open this household again to continue.</translation>
    </message>
    <message>
        <source>还没有农户。请先在“农户档案”中添加或导入农户，再来采集信息。</source>
        <translation>No households yet. Add or import households under &quot;Households&quot; first.</translation>
    </message>
    <message>
        <source>已恢复 {time} 自动保存的草稿，尚未提交。</source>
        <translation>Restored the draft autosaved at {time}; not submitted yet.</translation>
    </message>
    <message>
        <source>从未采集</source>
        <translation>Never collected</translation>
    </message>
    <message>
        <source>户编号 {number} · {village} · 上次采集 {updated}</source>
        <translation>No. {number} · {village} · last collected {updated}</translation>
    </message>
    <message>
        <source> · 上次提交 {time}</source>
        <translation> · last submitted {time}</translation>
    </message>
    <message>
        <source>{problem}，请在上方输入户主姓名或户编号重新选择</source>
        <translation>{problem}. Type a head name or household no. above to choose again</translation>
    </message>
    <message>
        <source>打不开这户的信息，请重新选择农户</source>
        <translation>Cannot open this household; please choose again</translation>
    </message>
    <message>
        <source>请在上方输入户主姓名、户编号或身份证号，选出要采集信息的农户。</source>
        <translation>Type a head name, household no. or ID number above to choose a household.</translation>
    </message>
    <message>
        <source>已放弃草稿，显示的是档案中的信息</source>
        <translation>Draft discarded; showing the saved record</translation>
    </message>
    <message>
        <source>草稿已自动保存 {time}</source>
        <translation>Draft autosaved {time}</translation>
    </message>
    <message>
        <source>草稿没能自动保存，请尽快提交</source>
        <translation>Draft could not be autosaved; please submit soon</translation>
    </message>
    <message numerus="yes">
        <source>有 %n 处需要修改，光标已移到第一处</source>
        <translation>
            <numerusform>%n field needs fixing; the cursor is on it</numerusform>
            <numerusform>%n fields need fixing; the cursor is on the first</numerusform>
        </translation>
    </message>
    <message>
        <source>正在提交…</source>
        <translation>Submitting…</translation>
    </message>
    <message>
        <source>已提交（表单版本 v{version}），户档案已更新。</source>
        <translation>Submitted (form v{version}); the household record is updated.</translation>
    </message>
    <message>
        <source>提交没有成功，档案没有改动；草稿还在，请再试一次</source>
        <translation>Submit failed; nothing was changed and the draft is kept. Please try again</translation>
    </message>
</context>
<context>
    <name>GroupView</name>
    <message>
        <source>还没有{item}，按 Ctrl+N 或点“{add}”添加</source>
        <translation>No {item} yet. Press Ctrl+N or click &quot;{add}&quot;</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>添加{item}</source>
        <translation>Add {item}</translation>
    </message>
    <message>
        <source>已删除{item}“{name}”</source>
        <translation>Deleted {item} &quot;{name}&quot;</translation>
    </message>
    <message>
        <source>已删除{item} {n}</source>
        <translation>Deleted {item} {n}</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>导出诊断信息…</source>
        <translation>Export diagnostics…</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>导出诊断信息</source>
        <translation>Export diagnostics</translation>
    </message>
    <message>
        <source>zip 文件 (*.zip)</source>
        <translation>zip file (*.zip)</translation>
    </message>
    <message>
        <source>正在导出诊断信息…</source>
        <translation>Exporting diagnostics…</translation>
    </message>
    <message>
        <source>诊断信息已保存到 {path}。其中有日志、版本和数据统计，不含姓名、身份证号和电话，可以发给技术支持。</source>
        <translation>Diagnostics saved to {path}. It holds logs, versions and data statistics, without names, ID numbers or phone numbers, and can be sent to support.</translation>
    </message>
    <message>
        <source>诊断信息已导出</source>
        <translation>Diagnostics exported</translation>
    </message>
    <message>
        <source>诊断信息未能保存（{reason}）。请换一个位置再试。</source>
        <translation>The diagnostics could not be saved ({reason}). Try another place.</translation>
    </message>
    <message>
        <source>驻村工作队工作平台 workteam {version}

数据目录：{home}
数据库：{store}（{households} 户）
附件：{files} 个，{attachments}
备份：{backups}

密钥和同步凭据保存在系统钥匙串中，不在数据目录里。</source>
        <translation>Village work team platform workteam {version}

Data folder: {home}
Database: {store} ({households} households)
Attachments: {files} files, {attachments}
Backups: {backups}

Keys and sync credentials are kept in the system keyring, not in the data folder.</translation>
    </message>
    <message>
        <source>关于 workteam</source>
        <translation>About workteam</translation>
    </message>
</context>
<context>
    <name>HouseholdDetailPage</name>
    <message>
        <source>基本信息</source>
        <translation>Basics</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>与户主关系</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>出生日期</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>文化程度</source>
        <translation>Education</translation>
    </message>
    <message>
        <source>健康状况</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>劳动能力</source>
        <translation>Work ability</translation>
    </message>
    <message>
        <source>务工就业</source>
        <translation>Employment</translation>
    </message>
    <message>
        <source>技能证书</source>
        <translation>Skills</translation>
    </message>
    <message>
        <source>家庭成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>收入</source>
        <translation>Income</translation>
    </message>
    <message>
        <source>监测记录</source>
        <translation>Monitoring</translation>
    </message>
    <message>
        <source>权益清单</source>
        <translation>Rights ledger</translation>
    </message>
    <message>
        <source>走访</source>
        <translation>Visits</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>措施类型</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>帮扶内容</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>帮扶责任人</source>
        <translation>Cadre</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>帮扶</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <source>返回列表</source>
        <translation>Back to list</translation>
    </message>
    <message>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>保存修改（Ctrl+S）</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>户主姓名</source>
        <translation>Head of household</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>家庭住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>信息更新日期</source>
        <translation>Updated on</translation>
    </message>
    <message>
        <source>户类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>监测状态</source>
        <translation>Monitoring</translation>
    </message>
    <message>
        <source>风险类型</source>
        <translation>Risk type</translation>
    </message>
    <message>
        <source>易地搬迁</source>
        <translation>Relocated</translation>
    </message>
    <message>
        <source>迁出地</source>
        <translation>Moved from</translation>
    </message>
    <message>
        <source>安置点</source>
        <translation>Resettled at</translation>
    </message>
    <message>
        <source>搬迁年份</source>
        <translation>Moved in</translation>
    </message>
    <message>
        <source>意外险</source>
        <translation>Accident ins.</translation>
    </message>
    <message>
        <source>防返贫保险</source>
        <translation>Anti-poverty ins.</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>如 2018</source>
        <translation>e.g. 2018</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>设为今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>刚核实过这户的信息：把信息更新日期设为今天</source>
        <translation>Just checked this household: set the update date to today</translation>
    </message>
    <message>
        <source>工资性收入（元）</source>
        <translation>Wages (yuan)</translation>
    </message>
    <message>
        <source>经营净收入（元）</source>
        <translation>Business net (yuan)</translation>
    </message>
    <message>
        <source>财产净收入（元）</source>
        <translation>Property net (yuan)</translation>
    </message>
    <message>
        <source>转移净收入（元）</source>
        <translation>Transfers net (yuan)</translation>
    </message>
    <message>
        <source>生产经营费用（元）</source>
        <translation>Business costs (yuan)</translation>
    </message>
    <message>
        <source>家庭人口（人）</source>
        <translation>Members (people)</translation>
    </message>
    <message>
        <source>人均纯收入</source>
        <translation>Income/head</translation>
    </message>
    <message>
        <source>低于标准</source>
        <translation>Below line</translation>
    </message>
    <message>
        <source>历年收入</source>
        <translation>Income by year</translation>
    </message>
    <message>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>工资性收入</source>
        <translation>Wages</translation>
    </message>
    <message>
        <source>经营净收入</source>
        <translation>Business net</translation>
    </message>
    <message>
        <source>财产净收入</source>
        <translation>Property net</translation>
    </message>
    <message>
        <source>转移净收入</source>
        <translation>Transfers net</translation>
    </message>
    <message>
        <source>生产经营费用</source>
        <translation>Business costs</translation>
    </message>
    <message>
        <source>人口</source>
        <translation>People</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>双击状态、责任人或备注即可修改</source>
        <translation>Double-click status, person or notes to edit</translation>
    </message>
    <message>
        <source>记录走访</source>
        <translation>Record visit</translation>
    </message>
    <message>
        <source>解决急难愁盼…</source>
        <translation>Resolve need…</translation>
    </message>
    <message>
        <source>走访人</source>
        <translation>Visitors</translation>
    </message>
    <message>
        <source>走访目的</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>发现的情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>急难愁盼</source>
        <translation>Urgent needs</translation>
    </message>
    <message>
        <source>农户详情</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>还没有农户档案。
请到“同步”页导入工作队的数据包。</source>
        <translation>No household records yet.
Import the team&apos;s data bundle on the &quot;Sync&quot; page.</translation>
    </message>
    <message>
        <source>{problem}。
请到“农户档案”页查找这户。</source>
        <translation>{problem}.
Look for this household on the &quot;Households&quot; page.</translation>
    </message>
    <message>
        <source>读取农户档案失败，请稍后重试。</source>
        <translation>Could not read the household record; please try again later.</translation>
    </message>
    <message>
        <source>合并记录：{when} {who} 把 {merged} 合并到本户</source>
        <translation>Merged: on {when} {who} merged {merged} into this household</translation>
    </message>
    <message>
        <source>督导</source>
        <translation>a supervisor</translation>
    </message>
    <message>
        <source>户编号 {number}</source>
        <translation>No. {number}</translation>
    </message>
    <message>
        <source>监测状态：{status}</source>
        <translation>Monitoring: {status}</translation>
    </message>
    <message>
        <source>电话 {phone}</source>
        <translation>Phone {phone}</translation>
    </message>
    <message>
        <source>{year}年</source>
        <translation>{year}</translation>
    </message>
    <message>
        <source>易地搬迁：{year}自{origin}迁入{site}</source>
        <translation>Relocated {year} from {origin} to {site}</translation>
    </message>
    <message numerus="yes">
        <source>权益悬空 %n 项</source>
        <translation>
            <numerusform>%n right item unassigned</numerusform>
            <numerusform>%n right items unassigned</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>急难愁盼 %n 件未解决</source>
        <translation>
            <numerusform>%n urgent need open</numerusform>
            <numerusform>%n urgent needs open</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>人口 %n 人</source>
        <translation>
            <numerusform>%n person</numerusform>
            <numerusform>%n people</numerusform>
        </translation>
    </message>
    <message>
        <source>人均纯收入 {income}（{year}年，标准 {threshold}）</source>
        <translation>Income/head {income} ({year}, line {threshold})</translation>
    </message>
    <message>
        <source>人均纯收入 未填写</source>
        <translation>Income/head not entered</translation>
    </message>
    <message>
        <source>产业 {list}</source>
        <translation>Industries {list}</translation>
    </message>
    <message>
        <source>信息更新 {date}</source>
        <translation>Updated {date}</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message numerus="yes">
        <source>有 %n 处填写有误，改正后再保存</source>
        <translation>
            <numerusform>%n field is wrong; fix it before saving</numerusform>
            <numerusform>%n fields are wrong; fix them before saving</numerusform>
        </translation>
    </message>
    <message>
        <source> {n}个月</source>
        <translation> {n} months</translation>
    </message>
    <message>
        <source>（稳定）</source>
        <translation> (stable)</translation>
    </message>
    <message>
        <source>还没有登记家庭成员。</source>
        <translation>No family members registered yet.</translation>
    </message>
    <message>
        <source>{year} 年收入（最近一年，可直接修改）</source>
        <translation>{year} income (latest year, editable)</translation>
    </message>
    <message>
        <source>还没有收入记录：填写 {year} 年的收入后保存即可新建</source>
        <translation>No income records yet: enter the {year} income and save</translation>
    </message>
    <message>
        <source>按成员计 {n} 人</source>
        <translation>{n} by members</translation>
    </message>
    <message>
        <source>当前监测状态：{status}</source>
        <translation>Monitoring status: {status}</translation>
    </message>
    <message>
        <source>&#x3000;风险类型：{kind}</source>
        <translation>   Risk type: {kind}</translation>
    </message>
    <message>
        <source>&#x3000;纳入监测：{date}</source>
        <translation>   Monitored since: {date}</translation>
    </message>
    <message>
        <source>&#x3000;风险消除：{date} {reason}</source>
        <translation>   Risk cleared: {date} {reason}</translation>
    </message>
    <message>
        <source>没有监测记录：这户未纳入防返贫监测。
纳入时在“基本信息”中修改监测状态和风险类型。</source>
        <translation>No monitoring records: this household is not monitored.
To add it, set the monitoring status and risk type under &quot;Basics&quot;.</translation>
    </message>
    <message>
        <source>共 {total} 项：保障到位 {secured} 项，办理中 {progress} 项，有问题 {problem} 项</source>
        <translation>{total} items: {secured} secured, {progress} in progress, {problem} with problems</translation>
    </message>
    <message>
        <source>还没有走访记录，点右上角“记录走访”新建。</source>
        <translation>No visits yet. Click &quot;Record visit&quot; at the top right.</translation>
    </message>
    <message>
        <source>还没有帮扶记录，可到“帮扶记录”页新建。</source>
        <translation>No assistance yet. Add it on the &quot;Assistance&quot; page.</translation>
    </message>
    <message>
        <source>{title}（{count}）</source>
        <translation>{title} ({count})</translation>
    </message>
    <message>
        <source>= (四项收入合计 − 生产经营费用) ÷ 家庭人口
观测对象标准：{threshold}</source>
        <translation>= (sum of four incomes − business costs) ÷ members
Observation line: {threshold}</translation>
    </message>
    <message>
        <source>改正标红的数字后即可算出。</source>
        <translation>Fix the numbers in red to calculate.</translation>
    </message>
    <message>
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>已恢复上次未保存的修改，请保存或放弃</source>
        <translation>Restored unsaved changes; save or discard them</translation>
    </message>
    <message>
        <source>没有需要保存的修改</source>
        <translation>Nothing to save</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>已保存</source>
        <translation>Saved</translation>
    </message>
    <message>
        <source>保存失败，数据没有改动，请再试一次</source>
        <translation>Save failed; nothing was changed. Please try again</translation>
    </message>
</context>
<context>
    <name>HouseholdPicker</name>
    <message>
        <source>输入户主姓名、户编号或身份证号，回车选中</source>
        <translation>Head name, household no. or ID number; Enter to pick</translation>
    </message>
    <message>
        <source>没有找到这户，请换个关键字</source>
        <translation>Household not found; try another keyword</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <source>{record}：{reason}</source>
        <translation>{record}: {reason}</translation>
    </message>
    <message>
        <source>被拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>服务器没有接受这户的修改：
{reasons}</source>
        <translation>The server did not accept changes to this household:
{reasons}</translation>
    </message>
    <message>
        <source>待同步</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>这户有修改还没有发送到服务器</source>
        <translation>This household has changes not yet sent to the server</translation>
    </message>
    <message>
        <source>已同步</source>
        <translation>Synced</translation>
    </message>
    <message>
        <source>这户的修改都已发送到服务器</source>
        <translation>All changes to this household have been sent to the server</translation>
    </message>
    <message>
        <source>载入中…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>户编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>户主</source>
        <translation>Head</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>户类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>监测状态</source>
        <translation>Monitoring</translation>
    </message>
    <message>
        <source>人口</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>人均纯收入</source>
        <translation>Income/head</translation>
    </message>
    <message>
        <source>信息更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>读取农户列表失败，请稍后重试</source>
        <translation>Could not read the household list; please try again later</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <source>农户档案</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>回车或双击打开农户详情</source>
        <translation>Enter or double-click to open a household</translation>
    </message>
    <message>
        <source>导入花名册</source>
        <translation>Import roster</translation>
    </message>
    <message>
        <source>导出花名册</source>
        <translation>Export roster</translation>
    </message>
    <message>
        <source>查找：户主姓名、户编号、身份证号或电话</source>
        <translation>Find: head name, household no., ID or phone</translation>
    </message>
    <message>
        <source>全部村（社区）</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>全部网格</source>
        <translation>All grids</translation>
    </message>
    <message>
        <source>全部户类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部监测状态</source>
        <translation>All monitoring</translation>
    </message>
    <message>
        <source>全部提示</source>
        <translation>All alerts</translation>
    </message>
    <message>
        <source>观测对象</source>
        <translation>Observation</translation>
    </message>
    <message>
        <source>零就业</source>
        <translation>Zero employment</translation>
    </message>
    <message>
        <source>逾期未更新</source>
        <translation>Form overdue</translation>
    </message>
    <message>
        <source>清除筛选</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <source>正在查找…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>正在排序…</source>
        <translation>Sorting…</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>没有符合条件的农户。
请换个查找内容，或点“清除筛选”查看全部农户。</source>
        <translation>No matching households.
Try another search, or click &quot;Clear filters&quot; to see all.</translation>
    </message>
    <message>
        <source>还没有农户档案。
请到“同步”页导入工作队的数据包。</source>
        <translation>No household records yet.
Import the team&apos;s data bundle on the &quot;Sync&quot; page.</translation>
    </message>
    <message>
        <source>共 {count} 户（已筛选）</source>
        <translation>{count} households (filtered)</translation>
    </message>
    <message>
        <source>共 {count} 户</source>
        <translation>{count} households</translation>
    </message>
    <message>
        <source>花名册.xlsx</source>
        <translation>roster.xlsx</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx)</source>
        <translation>Excel files (*.xlsx)</translation>
    </message>
    <message>
        <source>正在导出花名册…</source>
        <translation>Exporting the roster…</translation>
    </message>
    <message>
        <source>已导出{h}户、{m}人</source>
        <translation>Exported {h} households, {m} people</translation>
    </message>
    <message>
        <source>导出失败，请换个位置再试</source>
        <translation>Export failed; try another location</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>从U盘导入</source>
        <translation>Import from USB drive</translation>
    </message>
    <message>
        <source>选择数据包…</source>
        <translation>Choose bundles…</translation>
    </message>
    <message>
        <source>请选择U盘上的数据包（.wtb 文件），可以一次选多个。</source>
        <translation>Choose the bundles (.wtb files) on the USB drive; you can pick several.</translation>
    </message>
    <message>
        <source>签名者</source>
        <translation>Signer</translation>
    </message>
    <message>
        <source>尚未信任</source>
        <translation>Not trusted</translation>
    </message>
    <message>
        <source>本机还没有导入过此设备的数据包。请打电话或当面与对方核对下面的指纹（对方在“同步”页可以看到本机指纹），一致才勾选信任：</source>
        <translation>This laptop has never imported a bundle from this device. Compare the fingerprint below with the sender by phone or in person (they see it on their Sync page); tick trust only if it matches:</translation>
    </message>
    <message>
        <source>我已核对指纹，信任此设备</source>
        <translation>I have checked the fingerprint; trust this device</translation>
    </message>
    <message>
        <source>选择数据包后，这里先显示将导入哪些内容（试运行，不写入），核对后再导入。</source>
        <translation>After you choose bundles, a dry run shows here what would be imported (nothing is written); check it, then import.</translation>
    </message>
    <message>
        <source>试运行结果（尚未写入）：</source>
        <translation>Dry run (nothing written yet):</translation>
    </message>
    <message>
        <source>记录类型</source>
        <translation>Record type</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>更新</source>
        <translation>Updated</translation>
    </message>
    <message>
        <source>已有</source>
        <translation>Already here</translation>
    </message>
    <message>
        <source>冲突</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>有冲突待处理</source>
        <translation>Conflicts to resolve</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>正在处理第 {done} / {total} 条更改…</source>
        <translation>Processing change {done} of {total}…</translation>
    </message>
    <message>
        <source>已导入，正在整理数据（压缩已收到的变更）：{done} / {total}</source>
        <translation>Imported; tidying the data (compacting received changes): {done} / {total}</translation>
    </message>
    <message>
        <source>已导入，正在整理数据（压缩已收到的 {total} 条变更）…</source>
        <translation>Imported; tidying the data (compacting {total} received changes)…</translation>
    </message>
    <message>
        <source>选择数据包</source>
        <translation>Choose bundles</translation>
    </message>
    <message>
        <source>工作队数据包 (*.wtb);;所有文件 (*)</source>
        <translation>Work team bundles (*.wtb);;All files (*)</translation>
    </message>
    <message>
        <source>正在检查数据包的签名和内容…</source>
        <translation>Checking the bundles&apos; signatures and contents…</translation>
    </message>
    <message>
        <source>已取消检查，没有导入任何内容。</source>
        <translation>Check cancelled; nothing was imported.</translation>
    </message>
    <message>
        <source>这些数据包的更改本机都已有，导入不会改变任何内容。</source>
        <translation>This laptop already has every change in these bundles; importing would change nothing.</translation>
    </message>
    <message>
        <source>核对指纹并勾选信任后，点“导入”。</source>
        <translation>Check the fingerprint, tick trust, then click Import.</translation>
    </message>
    <message>
        <source>核对无误后点“导入”。</source>
        <translation>If this looks right, click Import.</translation>
    </message>
    <message>
        <source>无法检查数据包，请重新选择。</source>
        <translation>Could not check the bundles; choose them again.</translation>
    </message>
    <message>
        <source>设备 {device}，用户 {user}，指纹 {fp}</source>
        <translation>Device {device}, user {user}, fingerprint {fp}</translation>
    </message>
    <message>
        <source>（未填写）</source>
        <translation>(not set)</translation>
    </message>
    <message>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>已导入 {n} 条新更改（{d} 条本机已有，{c} 处冲突待处理）。</source>
        <translation>Imported {n} new changes ({d} already here, {c} conflicts to resolve).</translation>
    </message>
    <message>
        <source>导入前的试运行结果：</source>
        <translation>Dry run before the import:</translation>
    </message>
    <message>
        <source>导入失败，未写入任何内容。</source>
        <translation>Import failed; nothing was written.</translation>
    </message>
</context>
<context>
    <name>ItemCard</name>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>删除这一项（光标在其中时按 Ctrl+Delete），删除后可撤销</source>
        <translation>Delete this item (Ctrl+Delete while in it); can be undone</translation>
    </message>
</context>
<context>
    <name>LineEditor</name>
    <message>
        <source>如 1980-05-01</source>
        <translation>e.g. 1980-05-01</translation>
    </message>
    <message>
        <source>18位</source>
        <translation>18 digits</translation>
    </message>
    <message>
        <source>手机或固话</source>
        <translation>Mobile or landline</translation>
    </message>
    <message>
        <source>元</source>
        <translation>yuan</translation>
    </message>
</context>
<context>
    <name>LockPasswordDialog</name>
    <message>
        <source>设置锁屏密码</source>
        <translation>Set lock password</translation>
    </message>
    <message numerus="yes">
        <source>锁屏密码：电脑闲置 %n 分钟后窗口自动锁屏，输入此密码才能继续工作。
它只用来解锁本机窗口，不是恢复码。</source>
        <translation>
            <numerusform>Lock password: when the computer is left idle for %n minute, the window locks, and only this password lets you go on.
It only unlocks this window; it is not the recovery code.</numerusform>
            <numerusform>Lock password: when the computer is left idle for %n minutes, the window locks, and only this password lets you go on.
It only unlocks this window; it is not the recovery code.</numerusform>
        </translation>
    </message>
    <message>
        <source>锁屏密码：选好“无操作自动锁定”的时间后，电脑闲置时窗口自动锁屏，输入此密码才能继续工作。
它只用来解锁本机窗口，不是恢复码。</source>
        <translation>Lock password: once you choose a time for “Lock when idle for”, the window locks when the computer is left idle, and only this password lets you go on.
It only unlocks this window; it is not the recovery code.</translation>
    </message>
    <message>
        <source>至少{n}个字符</source>
        <translation>At least {n} characters</translation>
    </message>
    <message>
        <source>锁屏密码：</source>
        <translation>Lock password:</translation>
    </message>
    <message>
        <source>再输一次：</source>
        <translation>Repeat:</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>下次启动时会再问</source>
        <translation>You will be asked again at the next start</translation>
    </message>
    <message>
        <source>两次输入的密码不一致，请再输一次</source>
        <translation>The two passwords differ; type it again</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>离开时间较长，已隐藏所有农户信息。请输入锁屏密码继续工作；未保存的修改都还在。</source>
        <translation>You were away for a while, so every household record is hidden. Enter the lock password to go on; unsaved edits are still there.</translation>
    </message>
    <message>
        <source>锁屏密码</source>
        <translation>Lock password</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>密码不对</source>
        <translation>Wrong password</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>登录同步服务器</source>
        <translation>Log in to the sync server</translation>
    </message>
    <message>
        <source>服务器地址、用户名和初始密码由县里的管理员提供。</source>
        <translation>The county&apos;s administrator gives you the server address, user name and first password.</translation>
    </message>
    <message>
        <source>如 https://192.168.1.10:8800</source>
        <translation>e.g. https://192.168.1.10:8800</translation>
    </message>
    <message>
        <source>沿用已保存的县里的证书</source>
        <translation>The county&apos;s saved certificate is used</translation>
    </message>
    <message>
        <source>服务器地址：</source>
        <translation>Server address:</translation>
    </message>
    <message>
        <source>用户名：</source>
        <translation>User name:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>证书：</source>
        <translation>Certificate:</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请填写服务器地址</source>
        <translation>Enter the server address</translation>
    </message>
    <message>
        <source>请填写用户名</source>
        <translation>Enter the user name</translation>
    </message>
    <message>
        <source>请填写密码</source>
        <translation>Enter the password</translation>
    </message>
    <message>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
    <message>
        <source>登录失败，请检查服务器地址后重试</source>
        <translation>Login failed; check the server address and try again</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>农户档案</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>农户详情</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>走访日志</source>
        <translation>Visit log</translation>
    </message>
    <message>
        <source>记录走访</source>
        <translation>Record visit</translation>
    </message>
    <message>
        <source>十送行动</source>
        <translation>Ten Deliveries</translation>
    </message>
    <message>
        <source>帮扶记录</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <source>培训</source>
        <translation>Trainings</translation>
    </message>
    <message>
        <source>信息采集</source>
        <translation>Data collection</translation>
    </message>
    <message>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>全域总览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>数据质量</source>
        <translation>Data quality</translation>
    </message>
    <message>
        <source>重复农户</source>
        <translation>Duplicates</translation>
    </message>
    <message>
        <source>考核评定</source>
        <translation>Assessment</translation>
    </message>
    <message>
        <source>账号与工作队</source>
        <translation>Accounts</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>备份与恢复</source>
        <translation>Backups</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>驻村工作队工作平台</source>
        <translation>Village Work Team Platform</translation>
    </message>
    <message>
        <source>数据目录：</source>
        <translation>Data folder:</translation>
    </message>
    <message>
        <source>演示数据（虚构农户，不会同步）</source>
        <translation>Demo data (made-up households, never synced)</translation>
    </message>
    <message>
        <source>未保存的内容</source>
        <translation>Unsaved input</translation>
    </message>
    <message>
        <source>当前页面有未保存的内容，要放弃吗？</source>
        <translation>This page has unsaved input. Discard it?</translation>
    </message>
    <message>
        <source>待同步更改：</source>
        <translation>Unsynced changes: </translation>
    </message>
    <message>
        <source>有未保存的内容，确定要退出吗？</source>
        <translation>There is unsaved input. Quit anyway?</translation>
    </message>
</context>
<context>
    <name>Money</name>
    <message>
        <source>{amount} 元</source>
        <translation>¥{amount}</translation>
    </message>
</context>
<context>
    <name>MoveTeamDialog</name>
    <message>
        <source>调整工作队</source>
        <translation>Change team</translation>
    </message>
    <message>
        <source>把 {name}（现属{team}）调到另一个工作队。调整后，此账号只能同步新工作队所驻的村。</source>
        <translation>Move {name} (now in {team}) to another work team. Afterwards this account can only sync the new team&apos;s villages.</translation>
    </message>
    <message>
        <source>选择工作队</source>
        <translation>Choose a work team</translation>
    </message>
    <message>
        <source>新的工作队：</source>
        <translation>New team:</translation>
    </message>
    <message>
        <source>调整</source>
        <translation>Move</translation>
    </message>
    <message>
        <source>请选择工作队</source>
        <translation>Choose a work team</translation>
    </message>
</context>
<context>
    <name>OfflinePanel</name>
    <message>
        <source>单机开始</source>
        <translation>Start offline</translation>
    </message>
    <message>
        <source>没有服务器也能用：选择所在的县和所驻的村，填写工作队。以后县里有了服务器，登录后数据会一并同步上去。</source>
        <translation>Works without a server: choose your county and villages, and enter the work team. When the county has a server later, log in and the data is synced to it.</translation>
    </message>
    <message>
        <source>所在县和驻村</source>
        <translation>County and villages</translation>
    </message>
    <message>
        <source>县（区）：</source>
        <translation>County:</translation>
    </message>
    <message>
        <source>所驻的村（可多选，可跨乡镇）：</source>
        <translation>Villages (several allowed, across townships):</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>如 店湾村驻村工作队</source>
        <translation>e.g. Dianwan Village work team</translation>
    </message>
    <message>
        <source>如 县财政局</source>
        <translation>e.g. County Finance Bureau</translation>
    </message>
    <message>
        <source>工作队名称：</source>
        <translation>Team name:</translation>
    </message>
    <message>
        <source>派驻单位：</source>
        <translation>Sending unit:</translation>
    </message>
    <message>
        <source>驻村干部（一个工作队只有一名第一书记）：</source>
        <translation>Cadres (one first secretary per team):</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>开始使用</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>请填写工作队名称</source>
        <translation>Enter the team name</translation>
    </message>
    <message>
        <source>请选择县（区），或输入县名、6位代码</source>
        <translation>Choose a county, or type its name or 6-digit code</translation>
    </message>
    <message>
        <source>请至少勾选一个所驻的村</source>
        <translation>Tick at least one village</translation>
    </message>
    <message>
        <source>正在设置…</source>
        <translation>Setting up…</translation>
    </message>
    <message>
        <source>设置没有完成，没有保存任何内容：{error}</source>
        <translation>Setup did not finish; nothing was saved: {error}</translation>
    </message>
</context>
<context>
    <name>Pager</name>
    <message>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>第 {first}–{last} 条，共 {total} 条</source>
        <translation>{first}–{last} of {total}</translation>
    </message>
    <message>
        <source>共 {total} 条</source>
        <translation>{total} in all</translation>
    </message>
</context>
<context>
    <name>PeriodFilter</name>
    <message>
        <source>全部时间</source>
        <translation>All time</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>本季度</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <source>本年</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>自定义…</source>
        <translation>Custom…</translation>
    </message>
    <message>
        <source>至</source>
        <translation>to</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>添加照片…</source>
        <translation>Add photos…</translation>
    </message>
    <message>
        <source>选中照片按 Delete 移除</source>
        <translation>Select a photo and press Delete to remove</translation>
    </message>
    <message>
        <source>还没有照片</source>
        <translation>No photos yet</translation>
    </message>
    <message>
        <source>选择照片</source>
        <translation>Choose photos</translation>
    </message>
    <message>
        <source>图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp);;所有文件 (*)</source>
        <translation>Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp);;All files (*)</translation>
    </message>
    <message>
        <source>照片“{name}”已找不到，请移除后重新添加</source>
        <translation>Photo &quot;{name}&quot; is missing; remove it and add it again</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>已恢复上次未保存的内容</source>
        <translation>Restored unsaved input</translation>
    </message>
    <message>
        <source>放弃草稿</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>没有保存成功，请再试一次；填写的内容已保留为草稿。</source>
        <translation>Not saved; please try again. Your input is kept as a draft.</translation>
    </message>
</context>
<context>
    <name>RecordPage</name>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>这条记录已不存在，列表已刷新。</source>
        <translation>This record no longer exists; the list has been refreshed.</translation>
    </message>
    <message>
        <source>确定删除{what}吗？删除后几秒内可以撤销。</source>
        <translation>Delete {what}? You can undo for a few seconds.</translation>
    </message>
    <message>
        <source>已删除{what}</source>
        <translation>Deleted {what}</translation>
    </message>
    <message>
        <source>已恢复{what}</source>
        <translation>Restored {what}</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeDialog</name>
    <message>
        <source>数据恢复码</source>
        <translation>Data recovery code</translation>
    </message>
    <message>
        <source>本机数据已加密保存。请打印或抄写下面的恢复码，由第一书记和乡镇各保管一份：
重装系统、换电脑或密钥环丢失时，只有它能打开这些数据。点“完成”后此码不再显示。</source>
        <translation>This laptop&apos;s data is kept encrypted. Print or write down the recovery code below; the first secretary and the township each keep a copy:
after a reinstalled system, on another laptop or when the keyring is lost, only this code opens the data. Once you click Done, it is not shown again.</translation>
    </message>
    <message>
        <source>保存为PDF以便打印…</source>
        <translation>Save as PDF to print…</translation>
    </message>
    <message>
        <source>我已打印或抄写，并将交乡镇保管一份</source>
        <translation>I printed or wrote it down and will give the township a copy</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>稍后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>下次启动时会再次显示</source>
        <translation>Shown again at the next start</translation>
    </message>
    <message>
        <source>保存恢复码页</source>
        <translation>Save the recovery code page</translation>
    </message>
    <message>
        <source>无法保存：{reason}</source>
        <translation>Cannot save: {reason}</translation>
    </message>
    <message>
        <source>已保存到 {path}：请打印后删除该文件</source>
        <translation>Saved to {path}: print it, then delete the file</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>全部村（社区）</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>全部干部（可输入姓名只看一人）</source>
        <translation>All cadres (type a name for one)</translation>
    </message>
    <message>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <source>打印完整身份证号和电话</source>
        <translation>Print full ID and phone numbers</translation>
    </message>
    <message>
        <source>完整号码属于个人敏感信息：每页将注明“含个人敏感信息”，打印件请妥善保管、用后销毁。</source>
        <translation>Full numbers are sensitive personal data: each page will be marked &quot;Contains sensitive personal data&quot;. Keep printouts safe and destroy them after use.</translation>
    </message>
    <message>
        <source>报表：</source>
        <translation>Report:</translation>
    </message>
    <message>
        <source>范围：</source>
        <translation>Scope:</translation>
    </message>
    <message>
        <source>走访干部：</source>
        <translation>Cadre:</translation>
    </message>
    <message>
        <source>日期：</source>
        <translation>Dates:</translation>
    </message>
    <message>
        <source>季度：</source>
        <translation>Quarter:</translation>
    </message>
    <message>
        <source>农户：</source>
        <translation>Households:</translation>
    </message>
    <message>
        <source>生成报表</source>
        <translation>Generate</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>最近生成的报表：</source>
        <translation>Recent reports:</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>打开所在文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>选择报表和范围，按“生成报表”（Ctrl+Enter），
生成后在这里预览，可直接打印。</source>
        <translation>Choose a report and scope, then &quot;Generate&quot; (Ctrl+Enter).
The result is previewed here and can be printed.</translation>
    </message>
    <message>
        <source>走访报告</source>
        <translation>Visit report</translation>
    </message>
    <message>
        <source>一户一档</source>
        <translation>Household files</translation>
    </message>
    <message>
        <source>工作队季度工作报告</source>
        <translation>Quarterly team report</translation>
    </message>
    <message>
        <source>挂图作战（A3）</source>
        <translation>Wall chart (A3)</translation>
    </message>
    <message>
        <source>权益清单核查报告</source>
        <translation>Rights ledger check</translation>
    </message>
    <message>
        <source>所选期间的走访：汇总、每次走访的农户、发现的问题和办理情况。</source>
        <translation>Visits in the period: summary, households visited, problems found and follow-up.</translation>
    </message>
    <message>
        <source>每户一页：基本情况、家庭成员、收入、监测、权益、帮扶和走访，留有帮扶责任人和户主签字栏。</source>
        <translation>One page per household: basics, members, income, monitoring, rights, assistance and visits, with signature lines for the cadre and the head.</translation>
    </message>
    <message>
        <source>走访覆盖、十送行动、帮扶措施、急难愁盼和规则预警，附图表。</source>
        <translation>Visit coverage, ten deliveries, assistance, urgent needs and rule alerts, with charts.</translation>
    </message>
    <message>
        <source>A3横向挂图：村情简介、产业分布、收入构成、监测帮扶图。</source>
        <translation>A3 landscape chart: village profile, industries, income structure, monitoring and assistance.</translation>
    </message>
    <message>
        <source>易地搬迁户权益未登记、无人负责、有问题或办理中的事项。</source>
        <translation>Rights of relocated households that are unrecorded, unassigned, problematic or in progress.</translation>
    </message>
    <message numerus="yes">
        <source>将打印所选的 %n 户。</source>
        <translation>
            <numerusform>Prints the %n selected household.</numerusform>
            <numerusform>Prints the %n selected households.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>已送往打印机：%n 页</source>
        <translation>
            <numerusform>Sent to printer: %n page</numerusform>
            <numerusform>Sent to printer: %n pages</numerusform>
        </translation>
    </message>
    <message>
        <source>未选农户时打印所选范围内的全部 {n} 户（每户一页起）。</source>
        <translation>With none selected, prints all {n} households in scope (a page or more each).</translation>
    </message>
    <message>
        <source>正在生成{name}…</source>
        <translation>Generating {name}…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>已生成：{name}（共 {pages} 页）</source>
        <translation>Generated: {name} ({pages} pages)</translation>
    </message>
    <message>
        <source>已取消，没有生成文件。</source>
        <translation>Cancelled; no file was created.</translation>
    </message>
    <message>
        <source>生成报表没有成功，请再试一次；数据没有任何改动。</source>
        <translation>The report failed; please try again. No data was changed.</translation>
    </message>
    <message>
        <source>还没有生成过报表</source>
        <translation>No reports generated yet</translation>
    </message>
    <message>
        <source>找不到文件“{name}”，它可能已被移走。</source>
        <translation>File &quot;{name}&quot; not found; it may have been moved.</translation>
    </message>
    <message>
        <source>{name}（共 {pages} 页）</source>
        <translation>{name} ({pages} pages)</translation>
    </message>
    <message>
        <source>打印报表</source>
        <translation>Print report</translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>打印机没有准备好，请检查打印机后再试。</source>
        <translation>The printer is not ready; check it and try again.</translation>
    </message>
    <message>
        <source>已取消打印。</source>
        <translation>Printing cancelled.</translation>
    </message>
    <message>
        <source>打印没有成功，请检查打印机后再试。</source>
        <translation>Printing failed; check the printer and try again.</translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>为 {name} 设置新密码。设置后，此账号的电脑需要用新密码重新登录。</source>
        <translation>Set a new password for {name}. This account&apos;s computers then need to log in again with the new password.</translation>
    </message>
</context>
<context>
    <name>ResolveNeedDialog</name>
    <message>
        <source>标记急难愁盼已解决</source>
        <translation>Mark urgent need resolved</translation>
    </message>
    <message>
        <source>{category}：{text}</source>
        <translation>{category}: {text}</translation>
    </message>
    <message>
        <source>农户：{name}（{number}），{raised} 提出</source>
        <translation>Household: {name} ({number}), raised {raised}</translation>
    </message>
    <message>
        <source>如：已办理慢病卡，每月报销药费</source>
        <translation>e.g. Chronic illness card issued; medicine refunded monthly</translation>
    </message>
    <message>
        <source>解决情况</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <source>解决日期</source>
        <translation>Resolved on</translation>
    </message>
    <message>
        <source>标记已解决</source>
        <translation>Mark resolved</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请写明怎么解决的</source>
        <translation>Please describe how it was resolved</translation>
    </message>
    <message>
        <source>解决日期不能早于提出日期 {raised}</source>
        <translation>Resolved date cannot be before {raised}</translation>
    </message>
    <message>
        <source>解决日期不能晚于今天</source>
        <translation>Resolved date cannot be after today</translation>
    </message>
    <message>
        <source>这条急难愁盼已被删除，请关闭后刷新列表</source>
        <translation>This need was deleted; close and refresh the list</translation>
    </message>
    <message>
        <source>没有保存成功，数据没有改动，请再试一次</source>
        <translation>Not saved; nothing was changed. Please try again</translation>
    </message>
</context>
<context>
    <name>RightsDelegate</name>
    <message>
        <source>未核实</source>
        <translation>Unchecked</translation>
    </message>
</context>
<context>
    <name>RightsModel</name>
    <message>
        <source>权益事项</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>所在地</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>责任人</source>
        <translation>Responsible</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Alerts</translation>
    </message>
    <message>
        <source>权益悬空</source>
        <translation>Unassigned</translation>
    </message>
    <message>
        <source>有问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>未核实</source>
        <translation>Unchecked</translation>
    </message>
</context>
<context>
    <name>RightsTab</name>
    <message numerus="yes">
        <source>权益悬空 %n 项</source>
        <translation>
            <numerusform>%n right item unassigned</numerusform>
            <numerusform>%n right items unassigned</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RosterImportDialog</name>
    <message>
        <source>导入花名册</source>
        <translation>Import roster</translation>
    </message>
    <message>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>可以导入从防返贫监测信息系统导出的花名册，或自己整理的Excel、CSV表格：每行一名家庭成员（户主姓名、户编号重复）或每行一户都可以。已有的农户按户主身份证号更新，不会重复；有问题的行先列出来，不会写入。</source>
        <translation>Import a roster exported from the national monitoring system, or an Excel or CSV table of your own: one row per household member (head&apos;s name and household number repeated) or one row per household. Households already here are updated by the head&apos;s ID number, never duplicated; rows with problems are listed first and not written.</translation>
    </message>
    <message>
        <source>选择花名册文件…</source>
        <translation>Choose roster file…</translation>
    </message>
    <message>
        <source>尚未选择文件（.xlsx 或 .csv，CSV可以是UTF-8或GB18030编码）</source>
        <translation>No file chosen yet (.xlsx or .csv; CSV in UTF-8 or GB18030)</translation>
    </message>
    <message>
        <source>工作表：</source>
        <translation>Sheet:</translation>
    </message>
    <message>
        <source>选择文件后，下一步核对每一列对应的内容。</source>
        <translation>Once a file is chosen, the next step checks what each column holds.</translation>
    </message>
    <message>
        <source>表格形式：</source>
        <translation>Layout:</translation>
    </message>
    <message>
        <source>每行一名家庭成员</source>
        <translation>One row per member</translation>
    </message>
    <message>
        <source>每行一户</source>
        <translation>One row per household</translation>
    </message>
    <message>
        <source>“所在村”为空或没有这一列时，农户属于：</source>
        <translation>Village of rows with no village given:</translation>
    </message>
    <message>
        <source>（不指定）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>请核对每一列“导入为”的内容；不需要的列选“不导入”。户主姓名、身份证号和所在村是必需的（所在村也可以在上面统一指定）。</source>
        <translation>Check what each column is imported as; choose “Do not import” for columns not needed. The head&apos;s name, the ID number and the village are required (the village may also be chosen above for all rows).</translation>
    </message>
    <message>
        <source>表格中的列</source>
        <translation>Column in the file</translation>
    </message>
    <message>
        <source>示例内容</source>
        <translation>Sample values</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>载入列对应…</source>
        <translation>Load mapping…</translation>
    </message>
    <message>
        <source>保存列对应…</source>
        <translation>Save mapping…</translation>
    </message>
    <message>
        <source>有问题</source>
        <translation>Problems</translation>
    </message>
    <message>
        <source>保存问题清单…</source>
        <translation>Save problem list…</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>没有发现问题，可以导入。</source>
        <translation>No problems found; ready to import.</translation>
    </message>
    <message>
        <source>正在导入，请稍候…</source>
        <translation>Importing, please wait…</translation>
    </message>
    <message>
        <source>取消导入</source>
        <translation>Cancel import</translation>
    </message>
    <message>
        <source>导入在一个事务中完成：取消后不会留下任何一半写入的数据。</source>
        <translation>The import is one transaction: a cancel leaves nothing half-written.</translation>
    </message>
    <message>
        <source>① 选择文件</source>
        <translation>① Choose file</translation>
    </message>
    <message>
        <source>② 核对列</source>
        <translation>② Check columns</translation>
    </message>
    <message>
        <source>③ 检查</source>
        <translation>③ Check rows</translation>
    </message>
    <message>
        <source>④ 导入</source>
        <translation>④ Import</translation>
    </message>
    <message>
        <source>⑤ 完成</source>
        <translation>⑤ Done</translation>
    </message>
    <message>
        <source>开始导入</source>
        <translation>Start import</translation>
    </message>
    <message>
        <source>选择花名册</source>
        <translation>Choose roster</translation>
    </message>
    <message>
        <source>花名册 (*.xlsx *.xlsm *.csv *.txt);;所有文件 (*)</source>
        <translation>Rosters (*.xlsx *.xlsm *.csv *.txt);;All files (*)</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>{name}：表头在第{row}行，共{n}行数据。</source>
        <translation>{name}: header on row {row}, {n} data rows.</translation>
    </message>
    <message>
        <source>无法读取这个文件，请另存为 .xlsx 或 .csv 后再试。</source>
        <translation>Cannot read this file; save it as .xlsx or .csv and try again.</translation>
    </message>
    <message>
        <source>（无表头）</source>
        <translation>(no header)</translation>
    </message>
    <message>
        <source>不导入</source>
        <translation>Do not import</translation>
    </message>
    <message>
        <source>{name}：{n}行，{c}列，已自动对应{m}列。</source>
        <translation>{name}: {n} rows, {c} columns, {m} mapped automatically.</translation>
    </message>
    <message>
        <source>载入列对应</source>
        <translation>Load mapping</translation>
    </message>
    <message>
        <source>列对应文件 (*.json)</source>
        <translation>Mapping files (*.json)</translation>
    </message>
    <message>
        <source>保存列对应</source>
        <translation>Save mapping</translation>
    </message>
    <message>
        <source>列对应已保存：{path}</source>
        <translation>Mapping saved: {path}</translation>
    </message>
    <message>
        <source>正在检查每一行…</source>
        <translation>Checking every row…</translation>
    </message>
    <message>
        <source>共{rows}行：可以导入{h}户、{m}名家庭成员。</source>
        <translation>{rows} rows: {h} households and {m} members can be imported.</translation>
    </message>
    <message>
        <source>{skipped}行有问题，导入时跳过（见下表，{n}个问题）；可以先保存问题清单，改好后再导入一次。</source>
        <translation> {skipped} rows have problems and will be skipped (see below, {n} problems); save the problem list, fix the roster and import it again.</translation>
    </message>
    <message>
        <source>没有可以导入的行。</source>
        <translation> No row can be imported.</translation>
    </message>
    <message>
        <source>检查失败，请重新选择文件。</source>
        <translation>The check failed; choose the file again.</translation>
    </message>
    <message>
        <source>保存问题清单</source>
        <translation>Save problem list</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx)</source>
        <translation>Excel files (*.xlsx)</translation>
    </message>
    <message>
        <source>问题清单已保存：{path}</source>
        <translation>Problem list saved: {path}</translation>
    </message>
    <message>
        <source>正在导入：{done} / {total} 户</source>
        <translation>Importing: {done} / {total} households</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>导入完成：新增{ha}户、更新{hu}户（{hn}户没有变化），新增家庭成员{ma}人、更新{mu}人。</source>
        <translation>Import done: {ha} households added, {hu} updated ({hn} unchanged), {ma} members added, {mu} updated.</translation>
    </message>
    <message numerus="yes">
        <source>有问题的%Ln行未导入。</source>
        <translation>
            <numerusform>%Ln row with problems was not imported.</numerusform>
            <numerusform>%Ln rows with problems were not imported.</numerusform>
        </translation>
    </message>
    <message>
        <source>已取消导入，没有写入任何数据。</source>
        <translation>Import cancelled; nothing was written.</translation>
    </message>
    <message>
        <source>导入失败，没有写入任何数据。</source>
        <translation>The import failed; nothing was written.</translation>
    </message>
</context>
<context>
    <name>RotationDialog</name>
    <message>
        <source>离岗/轮换：{name}</source>
        <translation>Leave or rotate: {name}</translation>
    </message>
    <message>
        <source>{name}（{role}）</source>
        <translation>{name} ({role})</translation>
    </message>
    <message>
        <source>，{day}到岗</source>
        <translation>, started {day}</translation>
    </message>
    <message>
        <source>有人同日接任（驻村干部轮换）</source>
        <translation>Someone takes over the same day (rotation)</translation>
    </message>
    <message>
        <source>接任干部的姓名</source>
        <translation>Successor&apos;s name</translation>
    </message>
    <message>
        <source>离岗干部</source>
        <translation>Leaving</translation>
    </message>
    <message>
        <source>离岗日期</source>
        <translation>Leaves on</translation>
    </message>
    <message>
        <source>接任干部（离岗当日到岗）</source>
        <translation>Successor (starts on the leaving date)</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>离岗的干部不会被删除：他以前的走访和帮扶记录仍署他的名字，新记录里不再列出他。</source>
        <translation>A cadre who leaves is not deleted: their earlier visit and assistance records keep their name; new records no longer list them.</translation>
    </message>
    <message>
        <source>请填写接任干部的姓名；没有人接任请取消勾选“有人同日接任”</source>
        <translation>Enter the successor&apos;s name; if no one takes over, untick &quot;Someone takes over the same day&quot;</translation>
    </message>
    <message>
        <source>已轮换：{old}离岗，{new}接任</source>
        <translation>Rotated: {old} left, {new} took over</translation>
    </message>
    <message>
        <source>已登记 {name} 离岗</source>
        <translation>Recorded that {name} left</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>常规</source>
        <translation>General</translation>
    </message>
    <message>
        <source>规则与标准</source>
        <translation>Rules and thresholds</translation>
    </message>
    <message>
        <source>考核权重</source>
        <translation>Assessment weights</translation>
    </message>
    <message>
        <source>目录扩展</source>
        <translation>Catalogue extensions</translation>
    </message>
    <message>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <source>本机</source>
        <translation>This computer</translation>
    </message>
    <message>
        <source>工作队员（驻村）</source>
        <translation>Work-team member (in the village)</translation>
    </message>
    <message>
        <source>督导（乡镇、县）</source>
        <translation>Supervisor (township, county)</translation>
    </message>
    <message>
        <source>例如：张堃</source>
        <translation>e.g. Zhang Kun</translation>
    </message>
    <message>
        <source>县里提供的同步服务器地址，如 https://…</source>
        <translation>Sync server address given by the county, e.g. https://…</translation>
    </message>
    <message>
        <source>数据与备份</source>
        <translation>Data and backups</translation>
    </message>
    <message>
        <source> 份</source>
        <translation> copies</translation>
    </message>
    <message>
        <source>保留自动备份：</source>
        <translation>Automatic backups kept:</translation>
    </message>
    <message>
        <source>界面语言：</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>角色：</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>本机使用人：</source>
        <translation>User:</translation>
    </message>
    <message>
        <source>同步服务器：</source>
        <translation>Sync server:</translation>
    </message>
    <message>
        <source>保存设置</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <source>信息更新周期：</source>
        <translation>Update cycle:</translation>
    </message>
    <message>
        <source>数据目录：</source>
        <translation>Data folder:</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>设备编号：</source>
        <translation>Device ID:</translation>
    </message>
    <message>
        <source>安全</source>
        <translation>Security</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> minutes</translation>
    </message>
    <message>
        <source>不自动锁定</source>
        <translation>Never lock</translation>
    </message>
    <message>
        <source>无操作自动锁定：</source>
        <translation>Lock when idle for:</translation>
    </message>
    <message>
        <source>锁屏密码：</source>
        <translation>Lock password:</translation>
    </message>
    <message>
        <source>生成新的恢复码…</source>
        <translation>New recovery code…</translation>
    </message>
    <message>
        <source>旧恢复码随即作废；请打印新的恢复码页</source>
        <translation>The old code stops working; print the new code&apos;s page</translation>
    </message>
    <message>
        <source>数据恢复码：</source>
        <translation>Recovery code:</translation>
    </message>
    <message>
        <source>修改锁屏密码…</source>
        <translation>Change lock password…</translation>
    </message>
    <message>
        <source>设置锁屏密码…</source>
        <translation>Set lock password…</translation>
    </message>
    <message>
        <source>本机没有可用的密钥环，数据未加密保存（Linux 桌面请安装 gnome-keyring）。</source>
        <translation>No keyring on this laptop: the data is not encrypted (on a Linux desktop install gnome-keyring).</translation>
    </message>
    <message>
        <source>已设置锁屏密码。离开电脑超过设定时间，窗口自动锁定。</source>
        <translation>A lock password is set. Left idle for the set time, the window locks.</translation>
    </message>
    <message>
        <source>尚未设置锁屏密码：设置后，离开电脑超过设定时间窗口自动锁定。</source>
        <translation>No lock password yet: once set, the window locks when left idle for the set time.</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source>超过即为“逾期未更新”（92天约为一个季度）</source>
        <translation>Older forms are “Form overdue” (92 days is about a quarter)</translation>
    </message>
    <message>
        <source>观测对象标准（人均纯收入低于标准且未纳入监测的农户）</source>
        <translation>Observation thresholds (households below the per-capita income threshold and not monitored)</translation>
    </message>
    <message>
        <source>标准按年度和地区设定，村的标准优先于乡镇、县和默认标准；修改后立即生效，全部农户重新判定，并随同步下发。</source>
        <translation>Thresholds are set per year and region; a village&apos;s threshold wins over its township&apos;s, its county&apos;s and the default. A change takes effect at once, every household is judged again, and the change is synced.</translation>
    </message>
    <message>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>标准（元/人·年）</source>
        <translation>Threshold (yuan per person per year)</translation>
    </message>
    <message>
        <source>新增标准…</source>
        <translation>Add threshold…</translation>
    </message>
    <message>
        <source>修改…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>重新判定农户 %v / %m</source>
        <translation>Judging households %v / %m</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>季度考核各项指标的权重。按比例折算为100%，例如都填10即各占八分之一。</source>
        <translation>Weights of the quarterly assessment indicators, scaled to 100%: entering 10 everywhere gives each one eighth.</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>权重</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>折算占比</source>
        <translation>Share</translation>
    </message>
    <message>
        <source>恢复默认权重</source>
        <translation>Restore default weights</translation>
    </message>
    <message>
        <source>本地区特有的产业或帮扶措施可以添加到选项中。代码用于数据交换，保存后不宜再改；其他电脑需要同样添加才会显示名称。</source>
        <translation>Industries or assistance measures particular to this region can be added to the choices. The code is used when data is exchanged and should not change once saved; other computers show the name only after adding the same entry.</translation>
    </message>
    <message>
        <source>产业</source>
        <translation>Industries</translation>
    </message>
    <message>
        <source>帮扶措施类型</source>
        <translation>Assistance measure kinds</translation>
    </message>
    <message>
        <source>代码，如 pepper</source>
        <translation>Code, e.g. pepper</translation>
    </message>
    <message>
        <source>名称，如 花椒</source>
        <translation>Name, e.g. 花椒</translation>
    </message>
    <message>
        <source>代码，如 loan_subsidy</source>
        <translation>Code, e.g. loan_subsidy</translation>
    </message>
    <message>
        <source>名称，如 贷款贴息</source>
        <translation>Name, e.g. 贷款贴息</translation>
    </message>
    <message>
        <source>内置：</source>
        <translation>Built in: </translation>
    </message>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>删除所选</source>
        <translation>Delete selected</translation>
    </message>
    <message>
        <source>本次运行的语言由环境变量 WORKTEAM_LANG 指定</source>
        <translation>The WORKTEAM_LANG environment variable sets the language of this run</translation>
    </message>
    <message>
        <source>填写合计 {total}，折算后合计 100%</source>
        <translation>Entered total {total}, scaled to 100%</translation>
    </message>
    <message>
        <source>权重不能全为0</source>
        <translation>The weights cannot all be 0</translation>
    </message>
    <message>
        <source>设置未能保存：{reason}</source>
        <translation>The settings were not saved: {reason}</translation>
    </message>
    <message>
        <source>已保存。界面语言在重新启动程序后生效。</source>
        <translation>Saved. The new language takes effect when the program is restarted.</translation>
    </message>
    <message>
        <source>已保存。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>默认（所有地区）</source>
        <translation>Default (all regions)</translation>
    </message>
    <message>
        <source>删除标准</source>
        <translation>Delete threshold</translation>
    </message>
    <message>
        <source>删除{year}年“{area}”的标准？删除后全部农户将重新判定。</source>
        <translation>Delete the {year} threshold for “{area}”? Every household will be judged again.</translation>
    </message>
    <message>
        <source>已保存，农户已重新判定。</source>
        <translation>Saved; households judged again.</translation>
    </message>
    <message>
        <source>已取消，标准和农户判定都未改动。</source>
        <translation>Cancelled; the thresholds and the households&apos; flags are unchanged.</translation>
    </message>
    <message>
        <source>保存失败，标准未改动。</source>
        <translation>Saving failed; the thresholds are unchanged.</translation>
    </message>
</context>
<context>
    <name>SupervisorAssessmentPage</name>
    <message>
        <source>考核评定</source>
        <translation>Assessment</translation>
    </message>
    <message>
        <source>季度：</source>
        <translation>Quarter:</translation>
    </message>
    <message>
        <source>{year}年第{n}季度</source>
        <translation>Q{n} {year}</translation>
    </message>
    <message>
        <source>生成PDF</source>
        <translation>Make PDF</translation>
    </message>
    <message>
        <source>名次</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>未录入</source>
        <translation>Not entered</translation>
    </message>
    <message>
        <source>总分</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>工作队考核</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>走访次数</source>
        <translation>Visits</translation>
    </message>
    <message>
        <source>走访户数</source>
        <translation>Households visited</translation>
    </message>
    <message>
        <source>帮扶措施</source>
        <translation>Assistance</translation>
    </message>
    <message>
        <source>发现诉求</source>
        <translation>Needs found</translation>
    </message>
    <message>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>督导评分</source>
        <translation>Supervisor&apos;s score</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>干部得分：走访户数占40%（本季度{visits}户满分），帮扶措施占20%（{assistance}项满分），发现的急难诉求解决比例占20%，督导评分占20%。双击“督导评分”录入。</source>
        <translation>Cadre score: households visited 40% (full marks at {visits} this quarter), assistance measures 20% (full marks at {assistance}), share of the urgent needs they found that are resolved 20%, supervisor&apos;s score 20%. Double-click “Supervisor&apos;s score” to enter it.</translation>
    </message>
    <message>
        <source>干部考核</source>
        <translation>Cadres</translation>
    </message>
    <message>
        <source>第一季度总分</source>
        <translation>First quarter total</translation>
    </message>
    <message>
        <source>第二季度总分</source>
        <translation>Second quarter total</translation>
    </message>
    <message>
        <source>平均分</source>
        <translation>Mean</translation>
    </message>
    <message>
        <source>星级</source>
        <translation>Stars</translation>
    </message>
    <message>
        <source>半年星级评定</source>
        <translation>Half-year stars</translation>
    </message>
    <message>
        <source>走访
覆盖率</source>
        <translation>Visit
coverage</translation>
    </message>
    <message>
        <source>十送
行动</source>
        <translation>Ten
deliveries</translation>
    </message>
    <message>
        <source>急难诉求
解决率</source>
        <translation>Needs
resolved</translation>
    </message>
    <message>
        <source>诉求平均
解决天数</source>
        <translation>Days to
resolve</translation>
    </message>
    <message>
        <source>表单
按期率</source>
        <translation>Forms
current</translation>
    </message>
    <message>
        <source>培训</source>
        <translation>Trainings</translation>
    </message>
    <message>
        <source>搬迁劳动力
就业率</source>
        <translation>Relocated
employed</translation>
    </message>
    <message>
        <source>督导
评分</source>
        <translation>Supervisor
score</translation>
    </message>
    <message>
        <source>正在计算…</source>
        <translation>Calculating…</translation>
    </message>
    <message>
        <source>{n} 个工作队；督导评分还有 {missing} 个未录入（双击该格录入，未录入按0分计）</source>
        <translation>{n} work teams; {missing} supervisor&apos;s scores not entered yet (double-click the cell; a missing score counts 0)</translation>
    </message>
    <message numerus="yes">
        <source>%n 个工作队，督导评分已全部录入</source>
        <translation>
            <numerusform>%n work team, all supervisor&apos;s scores entered</numerusform>
            <numerusform>%n work teams, all supervisor&apos;s scores entered</numerusform>
        </translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>权重（在“设置”中修改）：{weights}</source>
        <translation>Weights (change them in Settings): {weights}</translation>
    </message>
    <message>
        <source>{q} 总分</source>
        <translation>{q} total</translation>
    </message>
    <message>
        <source>{half}（{first}、{second}）</source>
        <translation>{half} ({first}, {second})</translation>
    </message>
    <message>
        <source>{team}：农户 {households} 户，本季度走访 {visited} 户；十送行动 {actions} 次（{categories} 类）；急难诉求解决 {resolved} 件、季度末未解决 {open} 件，平均 {days} 天；表单按期 {forms} 户；培训 {trainings} 次；有劳动力的搬迁户 {labour} 户，其中有人稳定就业 {employed} 户。</source>
        <translation>{team}: {households} households, {visited} visited this quarter; {actions} ten-deliveries actions ({categories} categories); urgent needs {resolved} resolved, {open} open at the quarter&apos;s end, {days} days on average; {forms} forms current; {trainings} trainings; {labour} relocated households with labour, {employed} of them with someone in stable work.</translation>
    </message>
    <message>
        <source>督导评分应为0到100之间的数，例如 85</source>
        <translation>A supervisor&apos;s score is a number from 0 to 100, e.g. 85</translation>
    </message>
    <message>
        <source>没有完成</source>
        <translation>Not done</translation>
    </message>
    <message>
        <source>正在生成PDF…</source>
        <translation>Making the PDF…</translation>
    </message>
    <message>
        <source>已生成：{path}</source>
        <translation>Made: {path}</translation>
    </message>
    <message>
        <source>PDF没有生成：{error}</source>
        <translation>The PDF was not made: {error}</translation>
    </message>
</context>
<context>
    <name>SupervisorDuplicatesPage</name>
    <message>
        <source>重复农户</source>
        <translation>Duplicate households</translation>
    </message>
    <message>
        <source>重新查找</source>
        <translation>Search again</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Because</translation>
    </message>
    <message>
        <source>农户甲</source>
        <translation>Household A</translation>
    </message>
    <message>
        <source>村（社区）甲</source>
        <translation>Village A</translation>
    </message>
    <message>
        <source>工作队甲</source>
        <translation>Team A</translation>
    </message>
    <message>
        <source>农户乙</source>
        <translation>Household B</translation>
    </message>
    <message>
        <source>村（社区）乙</source>
        <translation>Village B</translation>
    </message>
    <message>
        <source>工作队乙</source>
        <translation>Team B</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>甲</source>
        <translation>A</translation>
    </message>
    <message>
        <source>乙</source>
        <translation>B</translation>
    </message>
    <message>
        <source>甲的家庭成员</source>
        <translation>Members of A</translation>
    </message>
    <message>
        <source>乙的家庭成员</source>
        <translation>Members of B</translation>
    </message>
    <message>
        <source>点甲或乙的格子选择保留哪个值（蓝底为选中）。保留的档案：</source>
        <translation>Click A&apos;s or B&apos;s cell to choose the value to keep (blue is chosen). Record to keep:</translation>
    </message>
    <message>
        <source>不是重复</source>
        <translation>Not duplicates</translation>
    </message>
    <message>
        <source>合并…</source>
        <translation>Merge…</translation>
    </message>
    <message>
        <source>没有发现疑似重复的农户。
导入各工作队的数据包后，这里会列出身份证号相同或同村同名的农户。</source>
        <translation>No possible duplicates found.
After importing the teams&apos; bundles, households with the same ID number, or the same head name in one village, are listed here.</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>关系</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>出生日期</source>
        <translation>Born</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>正在查找…</source>
        <translation>Searching…</translation>
    </message>
    <message numerus="yes">
        <source>共 %Ln 对疑似重复</source>
        <translation>
            <numerusform>%Ln possible duplicate pair</numerusform>
            <numerusform>%Ln possible duplicate pairs</numerusform>
        </translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>甲 {label} 的家庭成员</source>
        <translation>Members of A {label}</translation>
    </message>
    <message>
        <source>乙 {label} 的家庭成员</source>
        <translation>Members of B {label}</translation>
    </message>
    <message>
        <source>村（社区）/网格</source>
        <translation>Village / grid</translation>
    </message>
    <message>
        <source>走访 {visits} 次 · 急难诉求 {needs} 件 · 帮扶措施 {assistance} 项 · 收入 {income} 年 · 权益 {rights} 项</source>
        <translation>{visits} visits · {needs} urgent needs · {assistance} assistance measures · {income} years of income · {rights} rights items</translation>
    </message>
    <message>
        <source>合并农户</source>
        <translation>Merge households</translation>
    </message>
    <message>
        <source>把 {merged} 合并到 {kept}？
{merged} 的家庭成员、收入、走访、权益、帮扶等记录都转到 {kept}，{merged} 的档案随后删除。合并记录会保留。</source>
        <translation>Merge {merged} into {kept}?
The members, income, visits, rights, assistance and other records of {merged} move to {kept}, then {merged} is deleted. A record of the merge is kept.</translation>
    </message>
    <message>
        <source>已合并，转移记录 {n} 条</source>
        <translation>Merged; {n} records moved</translation>
    </message>
    <message>
        <source>合并没有完成</source>
        <translation>Merge not done</translation>
    </message>
    <message>
        <source>合并没有完成，数据未改动：{error}</source>
        <translation>The merge was not done and nothing changed: {error}</translation>
    </message>
</context>
<context>
    <name>SupervisorOverviewPage</name>
    <message>
        <source>全域总览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>点表头排序；回车或双击打开该村的农户</source>
        <translation>Click a header to sort; Enter or double-click opens the village&apos;s households</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>乡镇</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>农户</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>人口</source>
        <translation>People</translation>
    </message>
    <message>
        <source>本季度已走访</source>
        <translation>Visited (quarter)</translation>
    </message>
    <message>
        <source>走访覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <source>十送行动</source>
        <translation>Ten deliveries</translation>
    </message>
    <message>
        <source>急难未解决</source>
        <translation>Needs open</translation>
    </message>
    <message>
        <source>本季度已解决</source>
        <translation>Resolved (quarter)</translation>
    </message>
    <message>
        <source>逾期未更新</source>
        <translation>Forms overdue</translation>
    </message>
    <message>
        <source>观测对象</source>
        <translation>Observation</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>本季度：{start} 至 {end}</source>
        <translation>This quarter: {start} to {end}</translation>
    </message>
    <message>
        <source>未分配工作队</source>
        <translation>No team</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message numerus="yes">
        <source>%n 个村（社区）</source>
        <translation>
            <numerusform>%n village</numerusform>
            <numerusform>%n villages</numerusform>
        </translation>
    </message>
    <message>
        <source>{teams} 个工作队、{villages} 个村（社区）、{households} 户；本季度走访覆盖率 {coverage}，急难愁盼未解决 {urgent} 件，逾期未更新 {overdue} 户，观测对象 {observation} 户。</source>
        <translation>{teams} work teams, {villages} villages, {households} households; visit coverage this quarter {coverage}, {urgent} urgent needs open, {overdue} forms overdue, {observation} observation households.</translation>
    </message>
</context>
<context>
    <name>SupervisorQualityPage</name>
    <message>
        <source>数据质量</source>
        <translation>Data quality</translation>
    </message>
    <message>
        <source>回车或双击打开农户</source>
        <translation>Enter or double-click opens the household</translation>
    </message>
    <message>
        <source>重新检查</source>
        <translation>Check again</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>户编号</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>户主</source>
        <translation>Head</translation>
    </message>
    <message>
        <source>村（社区）</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <source>打开农户</source>
        <translation>Open household</translation>
    </message>
    <message>
        <source>正在检查…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>检查没有完成，请重试</source>
        <translation>The check did not finish; try again</translation>
    </message>
    <message>
        <source>全部问题（{n}）</source>
        <translation>All problems ({n})</translation>
    </message>
    <message>
        <source>{rule}（{n}）</source>
        <translation>{rule} ({n})</translation>
    </message>
    <message numerus="yes">
        <source>共发现 %Ln 处问题</source>
        <translation>
            <numerusform>%Ln problem found</numerusform>
            <numerusform>%Ln problems found</numerusform>
        </translation>
    </message>
    <message>
        <source>共发现 {total} 处问题，列出前 {shown} 处（每类最多 {limit} 处）</source>
        <translation>{total} problems found; the first {shown} listed (at most {limit} per rule)</translation>
    </message>
    <message>
        <source>选中一条问题，这里显示完整说明。</source>
        <translation>Choose a problem to see its full explanation here.</translation>
    </message>
    <message>
        <source>{rule}：{number} {head}（{village}，{team}）
{text}</source>
        <translation>{rule}: {number} {head} ({village}, {team})
{text}</translation>
    </message>
    <message>
        <source>未分配工作队</source>
        <translation>no team</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>同步中…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>同步出错</source>
        <translation>Sync error</translation>
    </message>
    <message>
        <source>同步需要输入密码</source>
        <translation>Sync needs the password</translation>
    </message>
    <message>
        <source>同步需要登录</source>
        <translation>Sync needs a login</translation>
    </message>
    <message>
        <source>已同步 {time}</source>
        <translation>Synced {time}</translation>
    </message>
    <message>
        <source>上次同步：从未同步</source>
        <translation>Last sync: never</translation>
    </message>
    <message>
        <source>上次同步：{time}</source>
        <translation>Last sync: {time}</translation>
    </message>
    <message>
        <source>同步失败，请稍后重试；如果一再出现，请导出诊断包交给管理员</source>
        <translation>Sync failed; try again later. If it keeps happening, export a diagnostics file for the administrator</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>设备编号：</source>
        <translation>Device ID:</translation>
    </message>
    <message>
        <source>没有待发送的更改。</source>
        <translation>No changes waiting to be sent.</translation>
    </message>
    <message>
        <source>上次同步：</source>
        <translation>Last sync:</translation>
    </message>
    <message>
        <source>U盘传输</source>
        <translation>USB transfer</translation>
    </message>
    <message>
        <source>没有网络时，把本机的更改导出到U盘带给乡镇或县里；收到的数据包从U盘导入。</source>
        <translation>Without a network, export this laptop&apos;s changes to a USB drive and take them to the township or county; import bundles you receive from a USB drive.</translation>
    </message>
    <message>
        <source>导出到U盘…</source>
        <translation>Export to USB drive…</translation>
    </message>
    <message>
        <source>从U盘导入…</source>
        <translation>Import from USB drive…</translation>
    </message>
    <message>
        <source>本机指纹：</source>
        <translation>This laptop&apos;s fingerprint:</translation>
    </message>
    <message>
        <source>（对方首次导入本机的数据包时，需要与此核对）</source>
        <translation>(others compare it the first time they import a bundle from this laptop)</translation>
    </message>
    <message>
        <source>待同步的更改</source>
        <translation>Changes to sync</translation>
    </message>
    <message>
        <source>记录类型</source>
        <translation>Record type</translation>
    </message>
    <message>
        <source>更改数</source>
        <translation>Changes</translation>
    </message>
    <message>
        <source>网络同步</source>
        <translation>Network sync</translation>
    </message>
    <message>
        <source>登录…</source>
        <translation>Log in…</translation>
    </message>
    <message>
        <source>服务器：</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>账号：</source>
        <translation>Account:</translation>
    </message>
    <message>
        <source>管辖范围：</source>
        <translation>Scope:</translation>
    </message>
    <message>
        <source>待同步：</source>
        <translation>Not yet sent:</translation>
    </message>
    <message>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>把本机的更改发送到服务器，并取回别人的更改</source>
        <translation>Send this computer&apos;s changes to the server and fetch everyone else&apos;s</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>处理冲突…</source>
        <translation>Review conflicts…</translation>
    </message>
    <message>
        <source>两台电脑同时修改了同一项内容时，在这里确认要用哪个值</source>
        <translation>When two computers changed the same item, choose here which value to use</translation>
    </message>
    <message>
        <source>没有待处理的冲突</source>
        <translation>No conflicts to review</translation>
    </message>
    <message>
        <source>有网络时自动同步（每10分钟）</source>
        <translation>Sync automatically when online (every 10 minutes)</translation>
    </message>
    <message>
        <source>服务器没有接受的更改</source>
        <translation>Changes the server did not accept</translation>
    </message>
    <message>
        <source>这些更改只保存在本机。原因多为不在您的管辖范围或您的角色不能修改，如需更正请联系县里的管理员。</source>
        <translation>These changes are kept on this computer only. Usually the record is outside your scope or your role may not change it; to correct this, contact the county&apos;s administrator.</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>暂存的下载更改</source>
        <translation>Received changes kept aside</translation>
    </message>
    <message>
        <source>这些更改来自服务器或数据包，本版本程序无法应用（可能来自更新版本的程序，或数据有误），已单独存放，同步照常进行；升级程序后会自动重试。如一直存在，请告诉县里的管理员。</source>
        <translation>These changes came from the server or a bundle and this version cannot apply them (they may come from a newer version, or the data is wrong). They are kept aside and sync goes on; they are tried again after an upgrade. If they stay, tell the county&apos;s administrator.</translation>
    </message>
    <message>
        <source>共 {n} 条</source>
        <translation>{n} in total</translation>
    </message>
    <message>
        <source>尚未登录。有网络时，点“登录…”填写县里提供的服务器地址和账号。</source>
        <translation>Not logged in. When online, click “Log in…” and enter the server address and account the county gave you.</translation>
    </message>
    <message>
        <source>工作队员</source>
        <translation>team member</translation>
    </message>
    <message>
        <source>督导</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>administrator</translation>
    </message>
    <message>
        <source>{user}（{role}）</source>
        <translation>{user} ({role})</translation>
    </message>
    <message>
        <source>未登录</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <source>切换账号…</source>
        <translation>Switch account…</translation>
    </message>
    <message>
        <source>全部地区</source>
        <translation>All areas</translation>
    </message>
    <message>
        <source>{names} 等 {n} 处</source>
        <translation>{names} and others ({n} in all)</translation>
    </message>
    <message>
        <source>未分配</source>
        <translation>None assigned</translation>
    </message>
    <message>
        <source>从未同步</source>
        <translation>Never</translation>
    </message>
    <message numerus="yes">
        <source>%Ln 条更改</source>
        <translation>
            <numerusform>%Ln change</numerusform>
            <numerusform>%Ln changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>逐条查看（%Ln 条记录）…</source>
        <translation>
            <numerusform>Show the %Ln record…</numerusform>
            <numerusform>Show all %Ln records…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln 处冲突待处理</source>
        <translation>
            <numerusform>%Ln conflict to review</numerusform>
            <numerusform>%Ln conflicts to review</numerusform>
        </translation>
    </message>
    <message>
        <source>另从服务器的数据快照载入 {rows} 条记录。</source>
        <translation> Also loaded {rows} records from the server&apos;s data snapshot.</translation>
    </message>
    <message numerus="yes">
        <source>共 %Ln 条更改尚未同步</source>
        <translation>
            <numerusform>%Ln change not yet synced</numerusform>
            <numerusform>%Ln changes not yet synced</numerusform>
        </translation>
    </message>
    <message>
        <source>上次同步未完成：{message}</source>
        <translation>The last sync did not finish: {message}</translation>
    </message>
    <message>
        <source>这是演示数据（虚构农户），不会同步到服务器。正式使用请在新的数据目录中开始。</source>
        <translation>This is demo data (made-up households): it is never sent to a server. For real work, start in a new data folder.</translation>
    </message>
    <message>
        <source>{n} 条：{reason}</source>
        <translation>{n} changes: {reason}</translation>
    </message>
    <message>
        <source>（例如 {examples}）</source>
        <translation> (e.g. {examples})</translation>
    </message>
    <message>
        <source>收起逐条列表</source>
        <translation>Hide the list</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>正在连接服务器…</source>
        <translation>Connecting to the server…</translation>
    </message>
    <message>
        <source>同步完成：上传 {pushed} 条更改，收到 {applied} 条新更改。</source>
        <translation>Sync done: sent {pushed} changes, received {applied} new changes.</translation>
    </message>
    <message>
        <source>{n} 条更改被服务器拒绝：{reasons}（见下方列表）</source>
        <translation>The server rejected {n} changes: {reasons} (listed below)</translation>
    </message>
    <message>
        <source>输入密码</source>
        <translation>Enter password</translation>
    </message>
    <message>
        <source>本机无法保存登录，请输入同步密码：</source>
        <translation>This computer cannot keep the login; enter the sync password:</translation>
    </message>
    <message>
        <source>无法读取本机密钥，U盘传输暂不可用。</source>
        <translation>Cannot read this laptop&apos;s keys; USB transfer is unavailable.</translation>
    </message>
</context>
<context>
    <name>SyncProgress</name>
    <message>
        <source>正在上传更改</source>
        <translation>Sending changes</translation>
    </message>
    <message>
        <source>正在取回更改</source>
        <translation>Fetching changes</translation>
    </message>
    <message>
        <source>正在上传照片</source>
        <translation>Uploading photos</translation>
    </message>
    <message>
        <source>正在下载照片</source>
        <translation>Downloading photos</translation>
    </message>
    <message>
        <source>正在更新表单</source>
        <translation>Updating forms</translation>
    </message>
    <message>
        <source>正在整理数据（建立索引、计算户情）</source>
        <translation>Organising the data (building indexes, household facts)</translation>
    </message>
    <message>
        <source>正在整理数据（压缩已收到的变更）</source>
        <translation>Organising the data (compacting the received changes)</translation>
    </message>
    <message>
        <source>正在下载数据快照（MB）</source>
        <translation>Downloading the data snapshot (MB)</translation>
    </message>
    <message>
        <source>正在载入数据快照（行）</source>
        <translation>Loading the data snapshot (rows)</translation>
    </message>
    <message>
        <source>正在载入数据快照（步骤）</source>
        <translation>Loading the data snapshot (steps)</translation>
    </message>
    <message>
        <source>{what}：{done} / {total}</source>
        <translation>{what}: {done} / {total}</translation>
    </message>
    <message>
        <source>{what}：{done}</source>
        <translation>{what}: {done}</translation>
    </message>
    <message>
        <source>正在同步</source>
        <translation>Syncing</translation>
    </message>
</context>
<context>
    <name>TeamDialog</name>
    <message>
        <source>修改驻村</source>
        <translation>Edit villages</translation>
    </message>
    <message>
        <source>添加工作队</source>
        <translation>Add team</translation>
    </message>
    <message>
        <source>如 店湾村驻村工作队</source>
        <translation>e.g. Dianwan Village work team</translation>
    </message>
    <message>
        <source>工作队名称：</source>
        <translation>Team name:</translation>
    </message>
    <message>
        <source>如 县财政局</source>
        <translation>e.g. County Finance Bureau</translation>
    </message>
    <message>
        <source>派驻单位：</source>
        <translation>Sending unit:</translation>
    </message>
    <message>
        <source>所驻的村（可多选，可跨乡镇；一个村只能有一个工作队）：</source>
        <translation>Villages (several allowed, across townships; one team per village):</translation>
    </message>
    <message>
        <source>不知道本县是哪个县：请先在“同步”页同步一次。</source>
        <translation>The county is not known yet: sync once on the Sync page first.</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>请填写工作队名称</source>
        <translation>Enter the team name</translation>
    </message>
    <message>
        <source>请至少勾选一个村</source>
        <translation>Tick at least one village</translation>
    </message>
</context>
<context>
    <name>TeamSettings</name>
    <message>
        <source>工作队：</source>
        <translation>Work team:</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>名称：</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>派驻单位：</source>
        <translation>Sending unit:</translation>
    </message>
    <message>
        <source>所驻村：</source>
        <translation>Villages:</translation>
    </message>
    <message>
        <source>驻村干部</source>
        <translation>Cadres</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>到岗日期</source>
        <translation>Started on</translation>
    </message>
    <message>
        <source>离岗日期</source>
        <translation>Left on</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>本机还没有工作队：运行 workteam setup（或在首次启动页面选“单机开始”），或登录服务器同步</source>
        <translation>No work team on this computer yet: run workteam setup (or choose &quot;Start offline&quot; on the first-run page), or log in to a server and sync</translation>
    </message>
    <message>
        <source>添加干部…</source>
        <translation>Add cadre…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>离岗/轮换…</source>
        <translation>Leave/rotate…</translation>
    </message>
    <message>
        <source>（未设置）</source>
        <translation>(not set up)</translation>
    </message>
    <message>
        <source>（未填写）</source>
        <translation>(not set)</translation>
    </message>
    <message>
        <source>在岗干部在前，已离岗的干部以灰色列出（他们的走访和帮扶记录保留）。一个工作队只能有一名在岗的第一书记，现任：{name}。</source>
        <translation>Serving cadres first; those who left are greyed (their visit and assistance records are kept). A team has one serving first secretary at a time; now: {name}.</translation>
    </message>
    <message>
        <source>暂无</source>
        <translation>none</translation>
    </message>
</context>
<context>
    <name>ThresholdDialog</name>
    <message>
        <source>修改观测对象标准</source>
        <translation>Edit observation threshold</translation>
    </message>
    <message>
        <source>新增观测对象标准</source>
        <translation>Add observation threshold</translation>
    </message>
    <message>
        <source>默认（所有地区）</source>
        <translation>Default (all regions)</translation>
    </message>
    <message>
        <source> 元</source>
        <translation> yuan</translation>
    </message>
    <message>
        <source>年度：</source>
        <translation>Year:</translation>
    </message>
    <message>
        <source>地区：</source>
        <translation>Region:</translation>
    </message>
    <message>
        <source>人均纯收入低于：</source>
        <translation>Per-capita net income below:</translation>
    </message>
</context>
<context>
    <name>TrainingDialog</name>
    <message>
        <source>编辑培训</source>
        <translation>Edit training</translation>
    </message>
    <message>
        <source>新建培训</source>
        <translation>New training</translation>
    </message>
    <message>
        <source>不填则按登记的参训人员人数</source>
        <translation>Leave empty to use the number of listed participants</translation>
    </message>
    <message>
        <source>如：电焊工技能培训</source>
        <translation>e.g. Welding skills training</translation>
    </message>
    <message>
        <source>如：县人社局 王老师</source>
        <translation>e.g. Teacher Wang, county HR bureau</translation>
    </message>
    <message>
        <source>如：村委会会议室</source>
        <translation>e.g. village committee room</translation>
    </message>
    <message>
        <source>输入参训人员姓名或身份证号后几位，回车加入</source>
        <translation>Participant name or last ID digits; Enter to add</translation>
    </message>
    <message>
        <source>参训人员</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>所在户</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>取得证书（可不填）</source>
        <translation>Certificate earned (optional)</translation>
    </message>
    <message>
        <source>移除所选 (Delete)</source>
        <translation>Remove selected (Delete)</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>学时</source>
        <translation>Hours</translation>
    </message>
    <message>
        <source>参训人次</source>
        <translation>Attendance</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>培训主题</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>授课人</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>双击或直接输入证书名称，如 电焊工证</source>
        <translation>Double-click or just type the certificate&apos;s name, e.g. welder certificate</translation>
    </message>
    <message>
        <source>已选 {n} 人，其中取得证书 {k} 人</source>
        <translation>{n} selected, {k} of them with a certificate</translation>
    </message>
    <message>
        <source>还没有登记参训人员：在上面输入姓名或身份证号后几位</source>
        <translation>No participants listed yet: type a name or last ID digits above</translation>
    </message>
    <message>
        <source>至少 {n} 人次（已选 {n} 人）</source>
        <translation>At least {n} ({n} selected)</translation>
    </message>
    <message>
        <source>请填写培训主题，如“电焊工技能培训”</source>
        <translation>Enter the topic, e.g. &quot;Welding skills training&quot;</translation>
    </message>
    <message>
        <source>本机还没有工作队：请先在 设置 → 工作队 中设置</source>
        <translation>No work team on this computer yet: set one up under Settings → Work team first</translation>
    </message>
</context>
<context>
    <name>TrainingsPage</name>
    <message>
        <source>培训</source>
        <translation>Trainings</translation>
    </message>
    <message>
        <source>新建培训 (Ctrl+N)</source>
        <translation>New training (Ctrl+N)</translation>
    </message>
    <message>
        <source>工作队</source>
        <translation>Work team</translation>
    </message>
    <message>
        <source>全部工作队</source>
        <translation>All teams</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>培训主题</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>授课人</source>
        <translation>Trainer</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>学时</source>
        <translation>Hours</translation>
    </message>
    <message>
        <source>参训人次</source>
        <translation>Attended</translation>
    </message>
    <message>
        <source>登记人员</source>
        <translation>Listed</translation>
    </message>
    <message>
        <source>取得证书</source>
        <translation>Certified</translation>
    </message>
    <message>
        <source>{period}：培训 {n} 次，共 {hours} 学时，参训 {attendees} 人次；登记参训人员 {people} 人，取得证书 {certs} 本（人人持证）</source>
        <translation>{period}: {n} trainings, {hours} hours in all, attendance {attendees}; {people} participants listed, {certs} certificates earned (&quot;Certificates for All&quot;)</translation>
    </message>
    <message>
        <source>本机还没有工作队：请先在 设置 → 工作队 中设置，或登录服务器同步</source>
        <translation>No work team on this computer yet: set one up under Settings → Work team, or log in to a server and sync</translation>
    </message>
    <message>
        <source>还没有培训记录，按 Ctrl+N 新建</source>
        <translation>No trainings yet. Press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>这段时间没有培训记录。可以把时间改为“全部时间”，或按 Ctrl+N 新建</source>
        <translation>No trainings in this period. Set the time to &quot;All time&quot;, or press Ctrl+N to add one</translation>
    </message>
    <message>
        <source>已保存“{title}”</source>
        <translation>Saved &quot;{title}&quot;</translation>
    </message>
    <message>
        <source>“{title}”</source>
        <translation>&quot;{title}&quot;</translation>
    </message>
    <message>
        <source>删除培训</source>
        <translation>Delete training</translation>
    </message>
</context>
<context>
    <name>TypeAheadPicker</name>
    <message>
        <source>没有找到，请换个关键字</source>
        <translation>Nothing found; try another keyword</translation>
    </message>
</context>
<context>
    <name>UndoNotice</name>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>输入恢复码</source>
        <translation>Enter the recovery code</translation>
    </message>
    <message>
        <source>本机密钥环中没有这个数据目录的加密密钥（重装了系统、换了系统用户或换了电脑）。请输入设置时打印的恢复码（25位字母和数字）：</source>
        <translation>This laptop&apos;s keyring does not have this data folder&apos;s key (a reinstalled system, another user account or another laptop). Enter the recovery code printed at set-up (25 letters and digits):</translation>
    </message>
    <message>
        <source>系统没有可用的密钥环，无法取出加密密钥。请输入恢复码（25位字母和数字）；Linux 桌面安装 gnome-keyring 并重新登录后，恢复一次即可记住。</source>
        <translation>No keyring is available, so the key cannot be read. Enter the recovery code (25 letters and digits); on a Linux desktop install gnome-keyring and log in again, then one recovery is remembered.</translation>
    </message>
    <message>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message numerus="yes">
        <source>%n 秒后可再试</source>
        <translation>
            <numerusform>Try again in %n second</numerusform>
            <numerusform>Try again in %n seconds</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UpgradeDialog</name>
    <message>
        <source>升级本机数据</source>
        <translation>Upgrade the data on this computer</translation>
    </message>
    <message>
        <source>新版本需要升级本机数据的保存格式，升级前会先自动备份。
数据较多时（全县的数据）需要一两分钟，请不要关机。中途断电或关闭也不会丢失数据，下次启动会重新升级。</source>
        <translation>This version stores the data on this computer in a new format; a backup is made first.
With much data (a whole county) it takes a minute or two; do not switch the computer off. A power cut or closing the program loses nothing: the next start upgrades again.</translation>
    </message>
    <message>
        <source>升级失败</source>
        <translation>Upgrade failed</translation>
    </message>
    <message>
        <source>本机数据升级失败，数据未改动：{reason}</source>
        <translation>The upgrade of the data on this computer failed; nothing was changed: {reason}</translation>
    </message>
</context>
<context>
    <name>VillageChecklist</name>
    <message>
        <source>查找村名</source>
        <translation>Find a village</translation>
    </message>
    <message>
        <source>先选择县（区）和乡镇，再勾选所驻的村。</source>
        <translation>Choose the county and township first, then tick the villages.</translation>
    </message>
    <message>
        <source>名单里没有的村…</source>
        <translation>Village not listed…</translation>
    </message>
    <message>
        <source>统计用区划代码里没有的村（自然村、新安置社区），按名称添加到所选乡镇</source>
        <translation>A village missing from the official division codes (a natural village, a new resettlement community): add it by name to the chosen township</translation>
    </message>
    <message>
        <source>村名，如 于家窑村</source>
        <translation>Village name, e.g. 于家窑村</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>乡镇</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>（自行添加）</source>
        <translation> (added here)</translation>
    </message>
    <message>
        <source>还没有勾选村。</source>
        <translation>No villages ticked yet.</translation>
    </message>
    <message>
        <source>已选 {n} 个村：{names}</source>
        <translation>{n} villages ticked: {names}</translation>
    </message>
    <message>
        <source>请先选择乡镇</source>
        <translation>Choose a township first</translation>
    </message>
    <message>
        <source>请填写村名</source>
        <translation>Enter the village name</translation>
    </message>
    <message>
        <source>这个乡镇已不能再添加村</source>
        <translation>No more villages can be added to this township</translation>
    </message>
</context>
<context>
    <name>VillageFilter</name>
    <message>
        <source>全部村</source>
        <translation>All villages</translation>
    </message>
</context>
<context>
    <name>VisitEntryPage</name>
    <message>
        <source>记录走访</source>
        <translation>Record visit</translation>
    </message>
    <message>
        <source>新建（Ctrl+N）</source>
        <translation>New (Ctrl+N)</translation>
    </message>
    <message>
        <source>保存（Ctrl+S）</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>走访农户</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>如 14:30，可不填</source>
        <translation>e.g. 14:30, optional</translation>
    </message>
    <message>
        <source>选择或输入走访事由</source>
        <translation>Choose or type a purpose</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>走访事由</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>走访日期</source>
        <translation>Visit date</translation>
    </message>
    <message>
        <source>家庭生活、收入、就业、身体状况等发现的情况</source>
        <translation>Findings on living conditions, income, jobs, health…</translation>
    </message>
    <message>
        <source>发现情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>选择类别</source>
        <translation>Choose a category</translation>
    </message>
    <message>
        <source>问题内容，回车添加一条</source>
        <translation>Problem; Enter to add</translation>
    </message>
    <message>
        <source>期限，可不填</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>问题属于哪一户</source>
        <translation>Household concerned</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>农户</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>选中一行按 Delete 删除</source>
        <translation>Select a row and press Delete to remove</translation>
    </message>
    <message numerus="yes">
        <source>还有 %n 处需要修改，见红字提示</source>
        <translation>
            <numerusform>%n field still needs fixing (see red notes)</numerusform>
            <numerusform>%n fields still need fixing (see red notes)</numerusform>
        </translation>
    </message>
    <message>
        <source>急难愁盼</source>
        <translation>Urgent needs</translation>
    </message>
    <message>
        <source>与农户商定的帮扶措施</source>
        <translation>Assistance agreed with the household</translation>
    </message>
    <message>
        <source>商定措施</source>
        <translation>Agreed measures</translation>
    </message>
    <message>
        <source>如 2026-12-20，可不填</source>
        <translation>e.g. 2026-12-20, optional</translation>
    </message>
    <message>
        <source>走访干部</source>
        <translation>Cadres</translation>
    </message>
    <message>
        <source>回访日期</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>还没有照片。可添加入户照片、证明材料的照片</source>
        <translation>No photos yet. Add photos of the visit or of documents</translation>
    </message>
    <message>
        <source>照片</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>已恢复未保存的草稿</source>
        <translation>Restored an unsaved draft</translation>
    </message>
    <message>
        <source>草稿里已有走访农户，草稿已保留；按 Ctrl+N 新建走访</source>
        <translation>The draft already has households and is kept; press Ctrl+N for a new visit</translation>
    </message>
    <message>
        <source>请先选择问题类别</source>
        <translation>Choose the need&apos;s category first</translation>
    </message>
    <message>
        <source>期限请按2026-11-29的格式填写</source>
        <translation>Enter the deadline like 2026-11-29</translation>
    </message>
    <message>
        <source>期限不能早于走访日期</source>
        <translation>Deadline cannot be before the visit date</translation>
    </message>
    <message>
        <source>“{text}”还没有选中：按回车选中，或清空</source>
        <translation>&quot;{text}&quot; is not picked yet: press Enter to pick, or clear it</translation>
    </message>
    <message>
        <source>请从下拉列表中选中农户（按回车）</source>
        <translation>Pick a household from the list (press Enter)</translation>
    </message>
    <message>
        <source>请选择走访的农户</source>
        <translation>Please choose the households visited</translation>
    </message>
    <message>
        <source>时间请按14:30的格式填写</source>
        <translation>Enter the time like 14:30</translation>
    </message>
    <message>
        <source>请填写走访事由</source>
        <translation>Please enter the purpose</translation>
    </message>
    <message>
        <source>请按2026-11-29的格式填写日期</source>
        <translation>Enter the date like 2026-11-29</translation>
    </message>
    <message>
        <source>回访日期不能早于走访日期</source>
        <translation>Follow-up cannot be before the visit date</translation>
    </message>
    <message>
        <source>新建走访</source>
        <translation>New visit</translation>
    </message>
    <message>
        <source>当前走访还没有保存，要放弃它吗？</source>
        <translation>This visit is not saved. Discard it?</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>已保存：{date} {names}（{purpose}）。可以记录下一次走访。</source>
        <translation>Saved: {date} {names} ({purpose}). You can record the next visit.</translation>
    </message>
    <message>
        <source>核对走访日期</source>
        <translation>Check the visit date</translation>
    </message>
    <message>
        <source>{message}。
确定按这个日期保存吗？</source>
        <translation>{message}.
Save it with this date?</translation>
    </message>
    <message>
        <source>没有保存：请改正走访日期</source>
        <translation>Not saved: correct the visit date</translation>
    </message>
    <message>
        <source>没有保存：{message}</source>
        <translation>Not saved: {message}</translation>
    </message>
    <message>
        <source>没有保存：照片无法读取，请移除后重新添加。</source>
        <translation>Not saved: a photo cannot be read; remove it and add it again.</translation>
    </message>
    <message>
        <source>没有保存，数据没有改动。请再按 Ctrl+S 试一次。</source>
        <translation>Not saved; nothing was changed. Press Ctrl+S to try again.</translation>
    </message>
</context>
<context>
    <name>VisitsPage</name>
    <message>
        <source>走访日志</source>
        <translation>Visit log</translation>
    </message>
    <message>
        <source>记录走访（Ctrl+N）</source>
        <translation>Record visit (Ctrl+N)</translation>
    </message>
    <message>
        <source>走访记录</source>
        <translation>Visits</translation>
    </message>
    <message>
        <source>急难愁盼</source>
        <translation>Urgent needs</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>本季度</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <source>本年</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <source>按户主、户编号或身份证号筛选</source>
        <translation>Filter by head, household no. or ID</translation>
    </message>
    <message>
        <source>期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>村</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>农户</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>事由</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>发现情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>走访干部</source>
        <translation>Cadres</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>全部村</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>开始日期晚于结束日期，请调整期间</source>
        <translation>The start date is after the end date; adjust the period</translation>
    </message>
    <message>
        <source>还没有走访记录，按 Ctrl+N 新建</source>
        <translation>No visits yet. Press Ctrl+N to record one</translation>
    </message>
    <message>
        <source>这段期间没有符合条件的走访记录。
换个期间、村或农户试试，或按 Ctrl+N 新建</source>
        <translation>No matching visits in this period.
Try another period, village or household, or press Ctrl+N to record one</translation>
    </message>
    <message>
        <source>已显示 {shown} 次走访，正在统计总数…</source>
        <translation>{shown} visits shown, counting…</translation>
    </message>
    <message>
        <source>共 {total} 次走访</source>
        <translation>{total} visits</translation>
    </message>
    <message>
        <source>，已显示 {shown} 次，向下滚动显示更多</source>
        <translation>, {shown} shown; scroll down for more</translation>
    </message>
    <message>
        <source>本月走访 {visits} 次，覆盖 {households} 户</source>
        <translation>This month: {visits} visits, {households} households</translation>
    </message>
    <message>
        <source>本季度走访 {visits} 次，覆盖 {households} 户</source>
        <translation>This quarter: {visits} visits, {households} households</translation>
    </message>
    <message>
        <source>本年走访 {visits} 次，覆盖 {households} 户</source>
        <translation>This year: {visits} visits, {households} households</translation>
    </message>
    <message>
        <source>{start} 至 {end} 走访 {visits} 次，覆盖 {households} 户</source>
        <translation>{start} to {end}: {visits} visits, {households} households</translation>
    </message>
    <message>
        <source>共走访 {visits} 次，覆盖 {households} 户</source>
        <translation>In all: {visits} visits, {households} households</translation>
    </message>
    <message>
        <source>{n} 项已解决</source>
        <translation>{n} resolved</translation>
    </message>
    <message>
        <source>{n} 项逾期</source>
        <translation>{n} overdue</translation>
    </message>
    <message>
        <source>{n} 项未解决</source>
        <translation>{n} open</translation>
    </message>
    <message>
        <source>措施：{measures}</source>
        <translation>Measures: {measures}</translation>
    </message>
    <message>
        <source>被拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>服务器没有接受这次走访的修改：
{reasons}</source>
        <translation>The server did not accept changes to this visit:
{reasons}</translation>
    </message>
    <message>
        <source>待同步</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>这次走访有修改还没有发送到服务器</source>
        <translation>This visit has changes not yet sent to the server</translation>
    </message>
    <message>
        <source>已同步</source>
        <translation>Synced</translation>
    </message>
    <message>
        <source>这次走访的修改都已发送到服务器</source>
        <translation>All changes to this visit have been sent to the server</translation>
    </message>
    <message>
        <source>未解决</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>待解决</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>办理中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>标记已解决…</source>
        <translation>Mark resolved…</translation>
    </message>
    <message>
        <source>选中一条未解决的问题，按回车也可以</source>
        <translation>Select an open problem; Enter works too</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>提出日期</source>
        <translation>Raised</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>已用天数</source>
        <translation>Days</translation>
    </message>
    <message>
        <source>急难愁盼（{n} 条未解决）</source>
        <translation>Urgent needs ({n} open)</translation>
    </message>
    <message>
        <source>没有未解决的急难愁盼。走访中发现的问题会列在这里</source>
        <translation>No open urgent needs. Problems found on visits are listed here</translation>
    </message>
    <message>
        <source>没有符合条件的急难愁盼</source>
        <translation>No matching urgent needs</translation>
    </message>
    <message>
        <source>共 {total} 条</source>
        <translation>{total} in all</translation>
    </message>
    <message>
        <source>，已显示 {shown} 条，向下滚动显示更多</source>
        <translation>, {shown} shown; scroll down for more</translation>
    </message>
    <message>
        <source>；其中未解决 {n} 条</source>
        <translation>; {n} open</translation>
    </message>
    <message>
        <source>；逾期 {n} 条</source>
        <translation>; {n} overdue</translation>
    </message>
    <message>
        <source>逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>{resolved} 解决：{resolution}</source>
        <translation>Resolved {resolved}: {resolution}</translation>
    </message>
    <message>
        <source>未解决的：提出至今的天数；已解决的：解决用了多少天</source>
        <translation>Open: days since raised; resolved: days taken</translation>
    </message>
    <message>
        <source>没有读出走访记录，请稍后再试</source>
        <translation>Could not read the visits; please try again later</translation>
    </message>
</context>
<context>
    <name>VisitsTab</name>
    <message numerus="yes">
        <source>最近 %n 次走访</source>
        <translation>
            <numerusform>Last %n visit</numerusform>
            <numerusform>Last %n visits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>未解决的急难愁盼 %n 件</source>
        <translation>
            <numerusform>%n urgent need open</numerusform>
            <numerusform>%n urgent needs open</numerusform>
        </translation>
    </message>
    <message>
        <source>{visits}，{needs}</source>
        <translation>{visits}; {needs}</translation>
    </message>
</context>
<context>
    <name>WorkPanel</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
</context>
<context>
    <name>_AdminDialog</name>
    <message>
        <source>正在提交…</source>
        <translation>Submitting…</translation>
    </message>
</context>
<context>
    <name>_CadreRow</name>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>删除这一行</source>
        <translation>Remove this row</translation>
    </message>
</context>
<context>
    <name>_Chip</name>
    <message>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>没有保存成功，请再试一次。</source>
        <translation>Not saved. Please try again.</translation>
    </message>
    <message>
        <source>11位手机号或带区号的固话，可不填</source>
        <translation>11-digit mobile or landline with area code; optional</translation>
    </message>
    <message>
        <source>{name}是在岗的第一书记，一个工作队只能有一名；请先为{name}办理离岗或轮换</source>
        <translation>{name} is the serving first secretary and a team has one at a time; end {name}&apos;s post or rotate first</translation>
    </message>
    <message>
        <source>一个工作队只能有一名在岗的第一书记：{name}离岗当日起可由接任干部担任</source>
        <translation>A team has one serving first secretary at a time: the successor may take the post from the day {name} leaves</translation>
    </message>
    <message>
        <source>一个工作队只能有一名在岗的第一书记（现任：{name}）</source>
        <translation>A team has one serving first secretary at a time (now: {name})</translation>
    </message>
    <message>
        <source>暂无</source>
        <translation>none</translation>
    </message>
</context>
</TS>
