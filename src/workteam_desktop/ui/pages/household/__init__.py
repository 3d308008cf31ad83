"""The tabs of 农户详情, one widget each (``household_detail.HouseholdDetailPage`` composes
them): 基本信息 (``basic``), 家庭成员/监测记录/帮扶 (``lists``), 收入 (``income``), 权益清单
(``rights``) and 走访 (``visits``). Each tab builds, fills and checks its own part and keeps
its own unsaved state through the small protocol of ``tab.HouseholdTab``; the page keeps the
header, the tab bar, the one draft per household and the load and save tasks."""
