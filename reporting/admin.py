from django.contrib import admin

from .models import Indicator, QuarterlyReport, StrategyGoal, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(StrategyGoal)
class StrategyGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "unit", "kolada_kpi", "goal"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "quarter", "target_value", "baseline", "comparison_value"]
    list_filter = ["year"]


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(admin.ModelAdmin):
    list_display = ["year", "quarter", "version", "is_current", "status", "generated_at"]
    readonly_fields = ["figures"]
